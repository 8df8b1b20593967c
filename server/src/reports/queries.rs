//! Reads of the batch tables: run history and the latest loaded weekly and monthly figures.

use proctorwise_batch::runs::{self, Run};
use sqlx::FromRow;

use crate::db::{Db, DbText};

/// One question of the latest weekly difficulty table.
#[derive(Debug, FromRow)]
pub struct QuestionDifficulty {
    /// Question id.
    #[sqlx(try_from = "DbText")]
    pub question_id: String,
    /// Question kind.
    #[sqlx(try_from = "DbText")]
    pub question_type: String,
    /// Answers to it in the week.
    pub total_attempts: i64,
    /// Answers with full points.
    pub correct_count: i64,
    /// Correct rate, hundredths of a percent.
    pub correct_rate_hundredths: i64,
    /// easy, medium or hard.
    #[sqlx(try_from = "DbText")]
    pub difficulty: String,
}

/// A count per tier or risk level.
#[derive(Debug, FromRow)]
pub struct SummaryRow {
    /// `tier` or `risk`.
    #[sqlx(try_from = "DbText")]
    pub dimension: String,
    /// The tier or level.
    #[sqlx(try_from = "DbText")]
    pub value: String,
    /// Students.
    pub users: i64,
}

/// A student flagged by the monthly job.
#[derive(Debug, FromRow)]
pub struct AtRisk {
    /// Student id.
    #[sqlx(try_from = "DbText")]
    pub user_id: String,
    /// Attempts in the month.
    pub total_exams: i64,
    /// Mean score, hundredths of a percent (none when nothing was graded).
    pub avg_score_hundredths: Option<i64>,
    /// Performance tier.
    #[sqlx(try_from = "DbText")]
    pub performance_tier: String,
    /// Risk level.
    #[sqlx(try_from = "DbText")]
    pub risk_level: String,
    /// Anomalies in the month.
    pub total_anomalies: i64,
    /// Critical anomalies in the month.
    pub critical_anomalies: i64,
}

/// The latest runs.
pub async fn recent_runs(db: &Db, limit: i64) -> sqlx::Result<Vec<Run>> {
    runs::recent(db.pool(), limit).await
}

/// The latest week with loaded difficulty figures, and its questions (hardest first).
pub async fn latest_difficulty(db: &Db) -> sqlx::Result<Option<(String, Vec<QuestionDifficulty>)>> {
    let week: Option<DbText> =
        sqlx::query_scalar("SELECT MAX(week_start) FROM batch_question_difficulty").fetch_one(db.pool()).await?;
    let Some(DbText(week)) = week else { return Ok(None) };
    let rows = sqlx::query_as(
        "SELECT question_id, question_type, total_attempts, correct_count, correct_rate_hundredths, difficulty \
         FROM batch_question_difficulty WHERE week_start = ? ORDER BY correct_rate_hundredths, question_id LIMIT 200",
    )
    .bind(&week)
    .fetch_all(db.pool())
    .await?;
    Ok(Some((week, rows)))
}

/// The latest month with loaded figures: its tier and risk counts and at-risk students.
pub async fn latest_month(db: &Db) -> sqlx::Result<Option<(String, Vec<SummaryRow>, Vec<AtRisk>)>> {
    let month: Option<DbText> =
        sqlx::query_scalar("SELECT MAX(report_month) FROM batch_monthly_summary").fetch_one(db.pool()).await?;
    let Some(DbText(month)) = month else { return Ok(None) };
    let summary = sqlx::query_as(
        "SELECT dimension, value, users FROM batch_monthly_summary WHERE report_month = ? ORDER BY dimension DESC, value",
    )
    .bind(&month)
    .fetch_all(db.pool())
    .await?;
    let at_risk = sqlx::query_as(
        "SELECT user_id, total_exams, avg_score_hundredths, performance_tier, risk_level, total_anomalies, \
         critical_anomalies FROM batch_at_risk_users WHERE report_month = ? \
         ORDER BY CASE WHEN risk_level = 'high' THEN 0 ELSE 1 END, avg_score_hundredths, user_id LIMIT 200",
    )
    .bind(&month)
    .fetch_all(db.pool())
    .await?;
    Ok(Some((month, summary, at_risk)))
}
