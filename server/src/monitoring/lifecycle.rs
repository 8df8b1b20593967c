//! Sessions bound to attempts: started in the attempt's start transaction, stopped in the
//! submission's transaction (student, deadline, or proctor with a note the student reads), closed
//! by the server when the browser vanished, and started again when that browser comes back.

use std::sync::Arc;

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::model::StopReason;
use super::rules::{RuleState, close_all};
use super::store;
use crate::app::AppState;
use crate::db::{Db, DbText, new_id, now_ms};
use crate::events::payloads::{MonitoringStarted, MonitoringStopped};
use crate::events::record;

/// Starts a monitoring session for an attempt on the caller's transaction; returns its id.
pub async fn start_in(conn: &mut AnyConnection, watched: &Watched<'_>) -> sqlx::Result<String> {
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO monitoring_sessions (id, attempt_id, exam_id, student_id, status, active_key, started_at, \
         deadline_at, rule_state, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, '{}', ?)",
    )
    .bind(&id)
    .bind(watched.attempt_id)
    .bind(watched.exam_id)
    .bind(watched.student_id)
    .bind(watched.attempt_id)
    .bind(now)
    .bind(watched.deadline_at)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let payload = MonitoringStarted {
        session_id: id.clone(),
        attempt_id: watched.attempt_id.to_owned(),
        exam_id: watched.exam_id.to_owned(),
        student_id: watched.student_id.to_owned(),
        started_at: now,
    };
    record(conn, watched.attempt_id, payload).await?;
    Ok(id)
}

/// The attempt a session watches, as the attempts context describes it.
#[derive(Clone, Copy, Debug)]
pub struct Watched<'a> {
    /// Attempt.
    pub attempt_id: &'a str,
    /// Its exam.
    pub exam_id: &'a str,
    /// Its student.
    pub student_id: &'a str,
    /// Its deadline (UTC ms; deadlines never move once the attempt started).
    pub deadline_at: i64,
}

/// The attempts context, asked whether an attempt is still open before a session restarts.
#[async_trait]
pub trait OpenAttempts: Send + Sync {
    /// Takes the attempt's row on the caller's transaction (ordering this after a submission
    /// in progress) and says whether it is in progress and before its deadline at `now`.
    async fn hold_open(&self, conn: &mut AnyConnection, attempt_id: &str, now: i64) -> sqlx::Result<bool>;
}

/// The state's part holding the [`OpenAttempts`] (the assembly point puts it there).
#[derive(Clone)]
pub struct AttemptGate(pub Arc<dyn OpenAttempts>);

/// Who stops a session and why.
#[derive(Clone, Copy, Debug)]
pub struct Stop<'a> {
    /// Why.
    pub reason: StopReason,
    /// The proctor's note shown to the student (empty otherwise).
    pub note: &'a str,
    /// The proctor, if one stopped it.
    pub by: Option<&'a str>,
}

#[derive(sqlx::FromRow)]
struct ActiveRow {
    id: String,
    attempt_id: String,
    exam_id: String,
    student_id: String,
    frames: i64,
    #[sqlx(try_from = "DbText")]
    rule_state: String,
}

/// The attempt was submitted: on the submitting transaction, every session of it learns so
/// (the platform's "anomalies per submitted attempt" counts them) and the active one stops:
/// open episodes end, the session row records the reason, `monitoring_stopped` goes to the outbox.
pub async fn stop_attempt_in(
    conn: &mut AnyConnection,
    attempt_id: &str,
    stop: Stop<'_>,
) -> sqlx::Result<Option<String>> {
    sqlx::query("UPDATE monitoring_sessions SET attempt_submitted = 1 WHERE attempt_id = ?")
        .bind(attempt_id)
        .execute(&mut *conn)
        .await?;
    let row: Option<ActiveRow> = sqlx::query_as(
        "SELECT id, attempt_id, exam_id, student_id, frames, rule_state FROM monitoring_sessions WHERE active_key = ?",
    )
    .bind(attempt_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    stop_in(conn, row, stop).await
}

/// Stops one session by id if it is still active (the reaper).
pub async fn stop_session(db: &Db, session_id: &str, stop: Stop<'_>) -> sqlx::Result<bool> {
    let mut tx = db.pool().begin().await?;
    // Write first (a no-op): SQLite then holds the write lock instead of failing to upgrade a read.
    sqlx::query("UPDATE monitoring_sessions SET rate_count = rate_count WHERE id = ? AND status = 'active'")
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
    let row: Option<ActiveRow> = sqlx::query_as(
        "SELECT id, attempt_id, exam_id, student_id, frames, rule_state FROM monitoring_sessions \
         WHERE id = ? AND status = 'active'",
    )
    .bind(session_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(false) };
    let done = stop_in(&mut tx, row, stop).await?.is_some();
    tx.commit().await?;
    Ok(done)
}

async fn stop_in(conn: &mut AnyConnection, row: ActiveRow, stop: Stop<'_>) -> sqlx::Result<Option<String>> {
    let now = now_ms();
    let note: String = stop.note.chars().take(1000).collect();
    let taken = sqlx::query(
        "UPDATE monitoring_sessions SET status = 'stopped', active_key = NULL, stopped_at = ?, stop_reason = ?, \
         stop_note = ?, stopped_by = ?, rule_state = '{}', updated_at = ? WHERE id = ? AND status = 'active'",
    )
    .bind(now)
    .bind(stop.reason.as_str())
    .bind(&note)
    .bind(stop.by)
    .bind(now)
    .bind(&row.id)
    .execute(&mut *conn)
    .await?;
    if taken.rows_affected() == 0 {
        return Ok(None);
    }
    let mut state: RuleState = serde_json::from_str(&row.rule_state).unwrap_or_default();
    for action in close_all(&mut state, now) {
        if let super::rules::Action::Close { anomaly_id, ended_at } = action {
            store::close(conn, &anomaly_id, ended_at).await?;
        }
    }
    let risk: i64 = sqlx::query_scalar("SELECT risk_score FROM monitoring_sessions WHERE id = ?")
        .bind(&row.id)
        .fetch_one(&mut *conn)
        .await?;
    let payload = MonitoringStopped {
        session_id: row.id.clone(),
        attempt_id: row.attempt_id.clone(),
        exam_id: row.exam_id.clone(),
        student_id: row.student_id.clone(),
        reason: stop.reason.as_str().to_owned(),
        note,
        stopped_at: now,
        frames: row.frames,
        risk_score: risk,
    };
    record(conn, &row.attempt_id, payload).await?;
    Ok(Some(row.id))
}

/// The attempt's active session, started again if the last one was closed because the browser
/// vanished (or none exists, for attempts started before monitoring). `None` for a session a
/// proctor stopped or an attempt no longer in progress.
pub async fn ensure_active(state: &AppState, watched: &Watched<'_>) -> sqlx::Result<Option<String>> {
    let attempt_id = watched.attempt_id;
    let db = &state.db;
    let latest: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, status, stop_reason FROM monitoring_sessions WHERE attempt_id = ? ORDER BY started_at DESC, id LIMIT 1",
    )
    .bind(attempt_id)
    .fetch_optional(db.pool())
    .await?;
    match latest {
        Some((id, status, _)) if status == "active" => return Ok(Some(id)),
        Some((_, _, reason)) if reason.as_deref() != Some(StopReason::Abandoned.as_str()) => return Ok(None),
        _ => {}
    }
    let mut tx = db.pool().begin().await?;
    let AttemptGate(gate) = state.part::<AttemptGate>();
    if !gate.hold_open(&mut tx, attempt_id, now_ms()).await? {
        return Ok(None);
    }
    match start_in(&mut tx, watched).await {
        Ok(id) => {
            tx.commit().await?;
            state.live.panels.notify();
            Ok(Some(id))
        }
        // Two tabs at once: the other one started it.
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(tx);
            sqlx::query_scalar("SELECT id FROM monitoring_sessions WHERE active_key = ?")
                .bind(attempt_id)
                .fetch_optional(db.pool())
                .await
        }
        Err(e) => Err(e),
    }
}

/// What the student is told about how monitoring of an attempt ended (a proctor's stop).
pub async fn proctor_stop_of_attempt(db: &Db, attempt_id: &str) -> sqlx::Result<Option<(String, i64)>> {
    let row: Option<(Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT stop_note, stopped_at FROM monitoring_sessions WHERE attempt_id = ? AND stop_reason = 'proctor' \
         ORDER BY started_at DESC LIMIT 1",
    )
    .bind(attempt_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(note, at)| (note.unwrap_or_default(), at.unwrap_or_default())))
}
