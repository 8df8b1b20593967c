//! Background task submitting attempts whose deadline passed, even when no browser is left.
//! Safe with several replicas: a submission is a conditional update, so each attempt is submitted
//! once.

use std::time::Duration;

use super::model::SubmitReason;
use super::queries;
use super::submit::submit;
use crate::app::AppState;
use crate::db::now_ms;

/// Submits every overdue attempt once; returns how many this call submitted.
pub async fn submit_overdue(state: &AppState) -> sqlx::Result<usize> {
    let mut submitted = 0;
    loop {
        let due = queries::due(&state.db, now_ms(), 100).await?;
        if due.is_empty() {
            return Ok(submitted);
        }
        let batch = due.len();
        for id in due {
            if submit(state, &id, SubmitReason::Deadline).await? {
                submitted += 1;
                tracing::info!(attempt_id = %id, "attempt submitted at its deadline");
            }
        }
        if batch < 100 {
            return Ok(submitted);
        }
    }
}

/// Runs [`submit_overdue`] every `period` until the task is aborted.
pub async fn run(state: AppState, period: Duration) {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        crate::heartbeat::beat(&state.db, "auto_submit", i64::try_from(period.as_millis()).unwrap_or(i64::MAX)).await;
        if let Err(e) = submit_overdue(&state).await {
            tracing::warn!(error = %e, "auto-submit pass failed; retrying at the next tick");
        }
    }
}
