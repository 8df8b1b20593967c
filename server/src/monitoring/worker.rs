//! The monitoring timer: silent sessions get `connection_lost`, sessions of vanished browsers
//! are closed, frames past their retention are deleted. Every step is a conditional update, so
//! several replicas may run it at once.

use std::time::Duration;

use super::lifecycle::{Stop, stop_session};
use super::model::StopReason;
use crate::app::AppState;

/// One pass; returns (sessions ticked with a change, sessions closed, frames deleted).
pub async fn run_once(state: &AppState) -> sqlx::Result<(usize, usize, usize)> {
    let cfg = state.config.monitoring();
    let now = state.clock.now_ms();
    let silent_since = now - cfg.rules.lost_after_intervals * cfg.rules.frame_interval_ms;
    let silent: Vec<(String, i64)> = sqlx::query_as(
        "SELECT id, COALESCE(last_frame_at, started_at) FROM monitoring_sessions \
         WHERE status = 'active' AND COALESCE(last_frame_at, started_at) < ? LIMIT 500",
    )
    .bind(silent_since)
    .fetch_all(state.db.pool())
    .await?;
    let abandon_ms = i64::try_from(cfg.abandon_after.as_millis()).unwrap_or(i64::MAX);
    let (mut ticked, mut closed) = (0, 0);
    for (id, last) in silent {
        if now - last > abandon_ms {
            let stop = Stop { reason: StopReason::Abandoned, note: "", by: None };
            if stop_session(&state.db, &id, stop).await? {
                closed += 1;
                tracing::info!(session_id = %id, "monitoring session closed: no frame from the browser");
            }
        } else if super::ingest::pipeline::tick(state, &id, now).await? {
            ticked += 1;
        }
    }
    let mut deleted = 0;
    if cfg.retention_days > 0 {
        let before = now - i64::try_from(cfg.retention_days).unwrap_or(0) * 86_400_000;
        for (id, key) in super::storage::frame_queries::expired(&state.db, before, 200).await? {
            match state.frames().delete(&key).await {
                Ok(()) => {
                    super::storage::frame_queries::forget_file(&state.db, &id).await?;
                    deleted += 1;
                }
                Err(e) => tracing::warn!(frame_id = %id, error = format!("{e:#}"), "cannot delete an old frame"),
            }
        }
    }
    if ticked + closed > 0 {
        state.live.panels.notify();
    }
    Ok((ticked, closed, deleted))
}

/// Runs [`run_once`] every second until the task is aborted.
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = run_once(&state).await {
            tracing::warn!(error = %e, "monitoring timer pass failed; retrying");
        }
    }
}
