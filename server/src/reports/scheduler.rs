//! The embedded scheduler: a background task that wakes every 30 seconds and runs the jobs that
//! are due, one after the other, each over its default window (yesterday, last week, last month).

use std::time::Duration;

use proctorwise_batch::runs::{Trigger, now_ms};
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
            match runner::is_running(&db, job).await {
                Ok(false) => {
                    let period = job.default_period(Date::from_ms(now));
                    let _ = runner::run(&db, &config, job, period, Trigger::Schedule).await;
                }
                Ok(true) => tracing::warn!(job = job.name(), "still running from before; this run is skipped"),
                Err(e) => tracing::warn!(job = job.name(), error = %e, "cannot check the batch runs"),
            }
        }
    }
}
