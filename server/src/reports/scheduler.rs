//! The embedded scheduler: a background task that wakes every 30 seconds and runs the jobs that
//! are due, one after the other, each over its default window (yesterday, last week, last month).

use std::time::Duration;

use proctorwise_batch::runs::{self, now_ms};
use proctorwise_batch::{Date, Job};

use super::runner::{self, BatchConfig};
use super::schedule::{Due, Schedule};
use crate::db::Db;

/// Runs forever (abort the task to stop it).
pub async fn run(db: Db, config: BatchConfig, schedule: Schedule) {
    let mut due = Due::new(&schedule, now_ms());
    for job in Job::ALL {
        tracing::info!(job = job.name(), at = %schedule.describe(job), "batch job scheduled (UTC)");
    }
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    loop {
        tick.tick().await;
        let now = now_ms();
        for job in due.take_due(&schedule, now) {
            run_due(&db, &config, job, now).await;
        }
    }
}

/// What became of a scheduled run.
#[derive(Debug, PartialEq, Eq)]
pub enum Scheduled {
    /// This process ran it (successfully or not: the run records which).
    Ran,
    /// Another replica started this job's run for the same period first.
    TakenElsewhere,
    /// The job's previous run is still going: this one is skipped.
    StillRunning,
    /// The runs could not be read or written.
    Failed,
}

/// Runs `job` over its default period at `now` unless a replica already started that run or the
/// job's previous run is still going.
pub async fn run_due(db: &Db, config: &BatchConfig, job: Job, now: i64) -> Scheduled {
    match runner::is_running(db, job).await {
        Ok(false) => {}
        Ok(true) => {
            tracing::warn!(job = job.name(), "still running from before; this run is skipped");
            return Scheduled::StillRunning;
        }
        Err(e) => {
            tracing::warn!(job = job.name(), error = %e, "cannot check the batch runs");
            return Scheduled::Failed;
        }
    }
    let period = job.default_period(Date::from_ms(now));
    match runs::start_scheduled(db.pool(), job, &period.label()).await {
        Ok(Some(run_id)) => {
            let _ = runner::run_started(db, config, job, period, &run_id).await;
            Scheduled::Ran
        }
        Ok(None) => {
            tracing::info!(job = job.name(), period = %period.label(), "another replica runs it");
            Scheduled::TakenElsewhere
        }
        Err(e) => {
            tracing::warn!(job = job.name(), error = %e, "cannot record the scheduled run");
            Scheduled::Failed
        }
    }
}
