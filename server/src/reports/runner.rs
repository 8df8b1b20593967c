//! Running a job in the server process: the configured storage, the server's pool, the run
//! recorded like any other, and at most one run of a job at a time.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;

use proctorwise_batch::runs::{self, Trigger};
use proctorwise_batch::storage::StorageConfig;
use proctorwise_batch::{Job, JobReport, Period};

use super::schedule::{Schedule, TimeOfDay, parse_monthly, parse_weekly};
use crate::config::{Config, parse_bool, var};
use crate::db::Db;

/// A run still marked running after this long is treated as dead (the process stopped).
pub const STALE_AFTER_MS: i64 = 6 * 3_600_000;

/// Batch settings of the server.
#[derive(Clone, Debug)]
pub struct BatchConfig {
    /// Local output folder (`PROCTORWISE_BATCH_DIR`, default `<data dir>/batch`).
    pub output_dir: PathBuf,
    /// HDFS namenode for the outputs (`HDFS_URL`); local storage when unset.
    pub hdfs_url: Option<String>,
    /// When the embedded scheduler runs the jobs; `None` when `PROCTORWISE_BATCH_SCHEDULE=off`.
    pub schedule: Option<Schedule>,
}

impl BatchConfig {
    /// Local outputs under `data_dir/batch`, no schedule (tests and tools).
    pub fn in_dir(data_dir: &Path) -> Self {
        Self { output_dir: data_dir.join("batch"), hdfs_url: None, schedule: None }
    }

    /// `PROCTORWISE_BATCH_DIR`, `HDFS_URL`, `PROCTORWISE_BATCH_SCHEDULE` (on/off) and the three times
    /// `PROCTORWISE_BATCH_DAILY_AT` (`02:00`), `PROCTORWISE_BATCH_WEEKLY_AT` (`sun 03:00`),
    /// `PROCTORWISE_BATCH_MONTHLY_AT` (`1 05:00`), all UTC.
    pub fn from_env(config: &Config) -> anyhow::Result<Self> {
        let mut schedule = Schedule::default();
        if let Some(raw) = var("PROCTORWISE_BATCH_DAILY_AT") {
            schedule.daily = TimeOfDay::parse(&raw)
                .with_context(|| format!("PROCTORWISE_BATCH_DAILY_AT={raw:?} must look like 02:00"))?;
        }
        if let Some(raw) = var("PROCTORWISE_BATCH_WEEKLY_AT") {
            schedule.weekly = parse_weekly(&raw)
                .with_context(|| format!("PROCTORWISE_BATCH_WEEKLY_AT={raw:?} must look like sun 03:00"))?;
        }
        if let Some(raw) = var("PROCTORWISE_BATCH_MONTHLY_AT") {
            schedule.monthly = parse_monthly(&raw)
                .with_context(|| format!("PROCTORWISE_BATCH_MONTHLY_AT={raw:?} must look like 1 05:00 (day 1-28)"))?;
        }
        Ok(Self {
            output_dir: var("PROCTORWISE_BATCH_DIR").map_or_else(|| config.data_dir.join("batch"), PathBuf::from),
            hdfs_url: config.hdfs_url.clone(),
            schedule: parse_bool("PROCTORWISE_BATCH_SCHEDULE", true)?.then_some(schedule),
        })
    }

    /// The storage the outputs go to.
    pub fn storage(&self) -> StorageConfig {
        match &self.hdfs_url {
            Some(url) => {
                StorageConfig::Hdfs { url: url.clone(), base: "/proctorwise".into(), timeout: Duration::from_secs(30) }
            }
            None => StorageConfig::Local(self.output_dir.clone()),
        }
    }
}

impl Config {
    /// The batch section: output folder, HDFS, embedded schedule (`PROCTORWISE_BATCH_*`).
    pub fn batch(&self) -> &BatchConfig {
        self.section()
    }

    /// The batch section, to change it (tests and tools).
    pub fn batch_mut(&mut self) -> &mut BatchConfig {
        self.section_mut()
    }
}

/// Whether `job` is already running (a run younger than [`STALE_AFTER_MS`]).
pub async fn is_running(db: &Db, job: Job) -> sqlx::Result<bool> {
    runs::running_since(db.pool(), job, runs::now_ms() - STALE_AFTER_MS).await
}

/// Runs `job` over `period` and records it; logs the outcome.
pub async fn run(
    db: &Db,
    config: &BatchConfig,
    job: Job,
    period: Period,
    trigger: Trigger,
) -> anyhow::Result<JobReport> {
    let run_id = runs::start(db.pool(), job, &period.label(), trigger).await?;
    run_started(db, config, job, period, &run_id).await
}

/// Runs a job whose run is already recorded as started.
pub async fn run_started(
    db: &Db,
    config: &BatchConfig,
    job: Job,
    period: Period,
    run_id: &str,
) -> anyhow::Result<JobReport> {
    let progress = proctorwise_batch::progress::Progress::hidden();
    let outcome = match config.storage().open() {
        Ok(storage) => {
            proctorwise_batch::run_recorded(db.pool(), storage.as_ref(), job, period, run_id, &progress).await
        }
        Err(e) => {
            let _ = runs::fail(db.pool(), run_id, &format!("{e:#}")).await;
            Err(e)
        }
    };
    match &outcome {
        Ok(report) => tracing::info!(summary = %report.summary(), "batch job finished"),
        Err(e) => {
            tracing::warn!(job = job.name(), period = %period.label(), error = %format!("{e:#}"), "batch job failed")
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server built with `--features hdfs` stores its frames on HDFS when `HDFS_URL` is set: its
    /// batch jobs must then open HDFS too (the client connects lazily, so no namenode is needed).
    #[test]
    fn batch_outputs_go_to_hdfs_exactly_when_the_server_is_built_for_it() {
        let config = BatchConfig {
            output_dir: PathBuf::from("unused"),
            hdfs_url: Some("hdfs://127.0.0.1:9000".into()),
            schedule: None,
        };
        let opened = config.storage().open();
        assert_eq!(opened.is_ok(), cfg!(feature = "hdfs"), "{:?}", opened.err());
    }
}
