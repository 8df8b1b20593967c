//! The `batch_runs` table: one row per run (start, end, status, rows, error), written by every
//! way of running a job (scheduler, "run now", command line) and listed to admins.

use sqlx::AnyPool;
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use crate::jobs::{Job, JobReport};

/// What started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The server's embedded scheduler.
    Schedule,
    /// An admin's "run now".
    Manual,
    /// The `proctorwise-batch` command (Airflow, cron, a person).
    Cli,
}

impl Trigger {
    /// Database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
            Trigger::Cli => "cli",
        }
    }
}

/// A recorded run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Run id.
    pub id: String,
    /// Job name.
    pub job: String,
    /// Window label (`YYYY-MM-DD` or `YYYY-MM`).
    pub period: String,
    /// `schedule`, `manual` or `cli`.
    pub trigger: String,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    /// Start, UTC ms.
    pub started_at: i64,
    /// End, UTC ms.
    pub finished_at: Option<i64>,
    /// Rows read.
    pub rows_read: i64,
    /// Rows written.
    pub rows_written: i64,
    /// Where the outputs went.
    pub output: String,
    /// Why it failed.
    pub error: Option<String>,
}

/// Text from SQLite, or from MariaDB where the Any driver reports TEXT columns as blobs.
fn opt_text(row: &AnyRow, name: &str) -> sqlx::Result<Option<String>> {
    match row.try_get::<Option<String>, _>(name) {
        Ok(v) => Ok(v),
        Err(_) => {
            let bytes: Option<Vec<u8>> = row.try_get(name)?;
            bytes.map(|b| String::from_utf8(b).map_err(|e| sqlx::Error::Decode(Box::new(e)))).transpose()
        }
    }
}

fn text(row: &AnyRow, name: &str) -> sqlx::Result<String> {
    Ok(opt_text(row, name)?.unwrap_or_default())
}

impl FromRow<'_, AnyRow> for Run {
    fn from_row(row: &AnyRow) -> sqlx::Result<Self> {
        Ok(Run {
            id: text(row, "id")?,
            job: text(row, "job")?,
            period: text(row, "period")?,
            trigger: text(row, "trigger_kind")?,
            status: text(row, "status")?,
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
            rows_read: row.try_get("rows_read")?,
            rows_written: row.try_get("rows_written")?,
            output: text(row, "output")?,
            error: opt_text(row, "error")?,
        })
    }
}

/// Now, UTC ms.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Records the start of a run; returns its id.
pub async fn start(pool: &AnyPool, job: Job, period: &str, trigger: Trigger) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO batch_runs (id, job, period, trigger_kind, status, started_at) VALUES (?, ?, ?, ?, 'running', ?)",
    )
    .bind(&id)
    .bind(job.name())
    .bind(period)
    .bind(trigger.as_str())
    .bind(now_ms())
    .execute(pool)
    .await?;
    Ok(id)
}

/// Records the start of the scheduled run of `job` over `period`, once across every process
/// sharing the database (each replica's scheduler tries): its id, or `None` when another process
/// already started (or ran) it.
pub async fn start_scheduled(pool: &AnyPool, job: Job, period: &str) -> sqlx::Result<Option<String>> {
    let id = uuid::Uuid::new_v4().to_string();
    let inserted = sqlx::query(
        "INSERT INTO batch_runs (id, job, period, trigger_kind, status, started_at, schedule_key) \
         VALUES (?, ?, ?, 'schedule', 'running', ?, ?)",
    )
    .bind(&id)
    .bind(job.name())
    .bind(period)
    .bind(now_ms())
    .bind(format!("{}:{period}", job.name()))
    .execute(pool)
    .await;
    match inserted {
        Ok(_) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Records a success.
pub async fn succeed(pool: &AnyPool, id: &str, report: &JobReport) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE batch_runs SET status = 'succeeded', finished_at = ?, rows_read = ?, rows_written = ?, output = ? WHERE id = ?",
    )
    .bind(now_ms())
    .bind(i64::try_from(report.rows_read).unwrap_or(i64::MAX))
    .bind(i64::try_from(report.rows_written).unwrap_or(i64::MAX))
    .bind(report.storage.chars().take(500).collect::<String>())
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a failure with its message.
pub async fn fail(pool: &AnyPool, id: &str, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE batch_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ?")
        .bind(now_ms())
        .bind(error.chars().take(4000).collect::<String>())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The latest runs, newest first.
pub async fn recent(pool: &AnyPool, limit: i64) -> sqlx::Result<Vec<Run>> {
    sqlx::query_as("SELECT * FROM batch_runs ORDER BY started_at DESC, id LIMIT ?").bind(limit).fetch_all(pool).await
}

/// Whether `job` has a run still going that started after `since` (UTC ms).
pub async fn running_since(pool: &AnyPool, job: Job, since: i64) -> sqlx::Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM batch_runs WHERE job = ? AND status = 'running' AND started_at >= ?")
            .bind(job.name())
            .bind(since)
            .fetch_one(pool)
            .await?;
    Ok(n > 0)
}

/// The start of the latest run of `job` by `trigger` (for the scheduler's catch-up check).
pub async fn last_start(pool: &AnyPool, job: Job, trigger: Trigger) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT MAX(started_at) FROM batch_runs WHERE job = ? AND trigger_kind = ?")
        .bind(job.name())
        .bind(trigger.as_str())
        .fetch_one(pool)
        .await
}
