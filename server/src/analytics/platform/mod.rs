//! Platform-wide figures: the admin dashboard's KPIs and charts, and the platform report for a
//! date range. Every figure is read at request time; a failing query is an error, never a 0.

pub mod queries;
pub(in crate::analytics) mod views;

use std::collections::HashMap;

use super::anomaly_source::{self, AnomalyRow, BySeverity, ByType, SessionCounts};
use super::reports::stats::{self, Score, ScoreSummary};
use crate::accounts::model::Role;
use crate::attempts::facts::{self, Submission};
use crate::db::Db;
use crate::exams::model::ExamStatus;
use queries::{DAY_MS, RecentSubmission};

/// Students need this many graded exams to appear among the top performers.
pub const TOP_MIN_EXAMS: i64 = 3;

/// A student in the top performers.
#[derive(Clone, Debug, PartialEq)]
pub struct Performer {
    /// Student.
    pub student_id: String,
    /// Name.
    pub name: String,
    /// Graded exams.
    pub exams: usize,
    /// Mean percentage.
    pub average: f64,
}

/// Summary of graded submissions.
pub fn summary_of(rows: &[Submission]) -> ScoreSummary {
    let scores: Vec<Score> = rows
        .iter()
        .map(|r| Score {
            percent: stats::percent(r.score_hundredths.unwrap_or(0), r.max_score_hundredths),
            passed: r.passed == Some(1),
        })
        .collect();
    stats::summarize(&scores)
}

/// Per-day counts for every day of `[from, to)` (days start at UTC midnight), zeros included.
pub fn fill_days(from: i64, to: i64, counts: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let first = from - from.rem_euclid(DAY_MS);
    let by_day: HashMap<i64, i64> = counts.iter().copied().collect();
    (0..)
        .map(|i| first + i * DAY_MS)
        .take_while(|d| *d < to)
        .map(|d| (d, by_day.get(&d).copied().unwrap_or(0)))
        .collect()
}

/// The admin dashboard's figures.
#[derive(Clone, Debug)]
pub struct Dashboard {
    /// Accounts per role.
    pub by_role: Vec<(Role, i64)>,
    /// Published exams.
    pub published_exams: i64,
    /// Submissions ever.
    pub submissions_total: i64,
    /// Submissions today (UTC).
    pub submissions_today: i64,
    /// Attempts started today.
    pub started_today: i64,
    /// Exams with a submission today.
    pub exams_today: i64,
    /// Monitoring sessions.
    pub sessions: SessionCounts,
    /// Today's anomalies per severity.
    pub anomalies_today: BySeverity,
    /// Today's anomalies per type.
    pub anomaly_types_today: ByType,
    /// Today's anomalies per UTC hour.
    pub anomalies_per_hour: [i64; 24],
    /// Anomalies over submitted attempts divided by submitted attempts.
    pub anomalies_per_attempt: f64,
    /// The ten latest submissions.
    pub recent: Vec<RecentSubmission>,
    /// The ten latest anomalies.
    pub recent_anomalies: Vec<AnomalyRow>,
    /// Best students.
    pub top: Vec<Performer>,
    /// Submissions per day over the last 30 days, oldest first.
    pub per_day: Vec<(i64, i64)>,
    /// Graded submissions per score band, every submission ever.
    pub distribution: [i64; 5],
    /// Whether monitoring data exists (issue 5).
    pub monitoring: bool,
    /// Event relay lag.
    pub relay: crate::events::relay::Lag,
}

impl Dashboard {
    /// Anomalies detected today.
    pub fn anomalies_today_total(&self) -> i64 {
        self.anomalies_today.iter().map(|(_, n)| n).sum()
    }

    /// Critical anomalies detected today (counted ones, as in [`Self::anomalies_today`]).
    pub fn critical_today(&self) -> i64 {
        self.anomalies_today.iter().filter(|(severity, _)| severity == "critical").map(|(_, n)| n).sum()
    }
}

/// Reads the dashboard at `now` (UTC ms).
pub async fn dashboard(db: &Db, now: i64) -> sqlx::Result<Dashboard> {
    let today = now - now.rem_euclid(DAY_MS);
    let month = today - 29 * DAY_MS;
    let top = queries::top_students(db, TOP_MIN_EXAMS, 5)
        .await?
        .into_iter()
        .map(|(student_id, name, n, total)| Performer {
            student_id,
            name,
            exams: usize::try_from(n).unwrap_or(0),
            average: if n > 0 { total / n as f64 } else { 0.0 },
        })
        .collect();
    let submissions_total = facts::submissions_total(db).await?;
    let anomalies_total = anomaly_source::total_for_submitted_attempts(db).await?;
    Ok(Dashboard {
        by_role: crate::accounts::queries::count_by_role(db).await?,
        published_exams: crate::exams::queries::count_with_status(db, ExamStatus::Published).await?,
        submissions_total,
        submissions_today: facts::submissions_between(db, today, today + DAY_MS).await?,
        started_today: facts::started_between(db, today, today + DAY_MS).await?,
        exams_today: facts::exams_sat_between(db, today, today + DAY_MS).await?,
        sessions: anomaly_source::sessions(db, now).await?,
        anomalies_today: anomaly_source::by_severity(db, today, today + DAY_MS).await?,
        anomaly_types_today: anomaly_source::by_type(db, today, today + DAY_MS).await?,
        anomalies_per_hour: anomaly_source::per_hour(db, today, today + DAY_MS).await?,
        anomalies_per_attempt: if submissions_total == 0 {
            0.0
        } else {
            anomalies_total as f64 / submissions_total as f64
        },
        recent: queries::recent_submissions(db, 10).await?,
        recent_anomalies: anomaly_source::recent(db, 10).await?,
        top,
        per_day: fill_days(month, today + DAY_MS, &facts::submissions_per_day(db, month, today + DAY_MS).await?),
        distribution: facts::score_bands(db).await?,
        monitoring: anomaly_source::available(),
        relay: crate::events::relay::lag_at(db, now).await?,
    })
}

/// One exam's line in the platform report.
#[derive(Clone, Debug, PartialEq)]
pub struct ExamLine {
    /// Exam.
    pub exam_id: String,
    /// Title.
    pub title: String,
    /// Teacher's name.
    pub teacher: String,
    /// Graded submissions in the range.
    pub graded: usize,
    /// Their mean percentage.
    pub mean: f64,
    /// Their pass rate.
    pub pass_rate: f64,
}

/// The platform report of `[from, to)`.
#[derive(Clone, Debug)]
pub struct PlatformReport {
    /// Range start (UTC ms).
    pub from: i64,
    /// Range end, exclusive.
    pub to: i64,
    /// When made.
    pub generated_at: i64,
    /// Submissions in the range.
    pub submissions: i64,
    /// Figures over graded ones.
    pub summary: ScoreSummary,
    /// Submissions per day.
    pub per_day: Vec<(i64, i64)>,
    /// Exams, most graded first.
    pub exams: Vec<ExamLine>,
    /// New accounts per role.
    pub new_users: Vec<(String, i64)>,
    /// Anomalies per type.
    pub anomalies: ByType,
}

/// Builds the platform report.
pub async fn platform_report(db: &Db, from: i64, to: i64, now: i64) -> sqlx::Result<PlatformReport> {
    let graded = facts::graded_between(db, from, to).await?;
    let mut per_exam: HashMap<&str, Vec<Submission>> = HashMap::new();
    for r in &graded {
        per_exam.entry(r.exam_id.as_str()).or_default().push(r.clone());
    }
    let ids: Vec<String> = per_exam.keys().map(|k| (*k).to_owned()).collect();
    let mut exams: Vec<ExamLine> = queries::exam_labels(db, &ids)
        .await?
        .into_iter()
        .map(|(id, title, teacher)| {
            let s = summary_of(per_exam.get(id.as_str()).map(Vec::as_slice).unwrap_or_default());
            ExamLine { exam_id: id, title, teacher, graded: s.count, mean: s.mean, pass_rate: s.pass_rate }
        })
        .collect();
    exams.sort_by(|a, b| b.graded.cmp(&a.graded).then_with(|| a.title.cmp(&b.title)));
    Ok(PlatformReport {
        from,
        to,
        generated_at: now,
        submissions: facts::submissions_between(db, from, to).await?,
        summary: summary_of(&graded),
        per_day: fill_days(from, to, &facts::submissions_per_day(db, from, to).await?),
        exams,
        new_users: queries::new_users_by_role(db, from, to).await?,
        anomalies: anomaly_source::by_type(db, from, to).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_filled_with_zeros() {
        let days = fill_days(DAY_MS + 5, 4 * DAY_MS, &[(2 * DAY_MS, 7)]);
        assert_eq!(days, [(DAY_MS, 0), (2 * DAY_MS, 7), (3 * DAY_MS, 0)]);
    }
}
