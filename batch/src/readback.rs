//! Read-back: the figures people look at, loaded from a run's result tables into the analytics
//! tables (weekly question difficulty; monthly tiers, risk levels and at-risk students). A re-run
//! of a period replaces exactly that period's rows, in one transaction.

use polars::prelude::DataFrame;
use sqlx::AnyPool;

use crate::columns::{f64s, hundredths, i64s, strs};
use crate::jobs::{Job, Period};
use crate::runs::now_ms;

fn find<'a>(frames: &'a [(String, DataFrame)], table: &str) -> anyhow::Result<&'a DataFrame> {
    frames
        .iter()
        .find(|(dir, _)| dir.ends_with(&format!("/{table}")))
        .map(|(_, df)| df)
        .ok_or_else(|| anyhow::anyhow!("the run produced no {table} table"))
}

/// Loads what `job` produced for `period` (`frames`: output folder and table).
pub async fn load(pool: &AnyPool, job: Job, period: Period, frames: &[(String, DataFrame)]) -> anyhow::Result<()> {
    match (job, period) {
        (Job::WeeklyGrades, Period::Week(start)) => {
            weekly(pool, &start.to_string(), find(frames, "question_difficulty")?).await
        }
        (Job::MonthlyUsers, Period::Month(month)) => {
            let month = month.to_string();
            monthly(
                pool,
                &month,
                find(frames, "tier_summary")?,
                find(frames, "risk_summary")?,
                find(frames, "at_risk_users")?,
            )
            .await
        }
        _ => Ok(()),
    }
}

async fn weekly(pool: &AnyPool, week: &str, difficulty: &DataFrame) -> anyhow::Result<()> {
    let ids = strs(difficulty, "question_id")?;
    let types = strs(difficulty, "question_type")?;
    let totals = i64s(difficulty, "total_attempts")?;
    let correct = i64s(difficulty, "correct_count")?;
    let rates = f64s(difficulty, "correct_rate")?;
    let scores = f64s(difficulty, "avg_score")?;
    let levels = strs(difficulty, "difficulty")?;
    let now = now_ms();
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM batch_question_difficulty WHERE week_start = ?").bind(week).execute(&mut *tx).await?;
    for (i, id) in ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO batch_question_difficulty (week_start, question_id, question_type, total_attempts, correct_count, \
             correct_rate_hundredths, avg_score_hundredths, difficulty, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(week)
        .bind(id.clone().unwrap_or_default())
        .bind(types[i].clone().unwrap_or_default())
        .bind(totals[i].unwrap_or(0))
        .bind(correct[i].unwrap_or(0))
        .bind(rates[i].map_or(0, hundredths))
        .bind(scores[i].map_or(0, hundredths))
        .bind(levels[i].clone().unwrap_or_default())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn monthly(
    pool: &AnyPool,
    month: &str,
    tiers: &DataFrame,
    risks: &DataFrame,
    at_risk: &DataFrame,
) -> anyhow::Result<()> {
    let now = now_ms();
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM batch_monthly_summary WHERE report_month = ?").bind(month).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM batch_at_risk_users WHERE report_month = ?").bind(month).execute(&mut *tx).await?;
    for (dimension, df, column) in [("tier", tiers, "performance_tier"), ("risk", risks, "risk_level")] {
        for (value, users) in strs(df, column)?.into_iter().zip(i64s(df, "users")?) {
            sqlx::query(
                "INSERT INTO batch_monthly_summary (report_month, dimension, value, users, loaded_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(month)
            .bind(dimension)
            .bind(value.unwrap_or_default())
            .bind(users.unwrap_or(0))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    let users = strs(at_risk, "user_id")?;
    let exams = i64s(at_risk, "total_exams")?;
    let avg = f64s(at_risk, "avg_score")?;
    let tier = strs(at_risk, "performance_tier")?;
    let risk = strs(at_risk, "risk_level")?;
    let total = i64s(at_risk, "total_anomalies")?;
    let critical = i64s(at_risk, "critical_anomalies")?;
    for (i, user) in users.iter().enumerate() {
        sqlx::query(
            "INSERT INTO batch_at_risk_users (report_month, user_id, total_exams, avg_score_hundredths, performance_tier, \
             risk_level, total_anomalies, critical_anomalies, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(month)
        .bind(user.clone().unwrap_or_default())
        .bind(exams[i].unwrap_or(0))
        .bind(avg[i].map(hundredths))
        .bind(tier[i].clone().unwrap_or_default())
        .bind(risk[i].clone().unwrap_or_default())
        .bind(total[i].unwrap_or(0))
        .bind(critical[i].unwrap_or(0))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
