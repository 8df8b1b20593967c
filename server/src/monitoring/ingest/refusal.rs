//! A camera refused on the consent page, before any attempt exists (the start stays blocked).
//! As in the prototype, the refusal is an anomaly proctors see and are told about: the booking
//! gets one monitoring session of its own (no attempt yet, stopped at once: nothing is watched
//! before the start) holding one critical `webcam_disabled` anomaly with its `anomaly_detected`
//! event. Later refusals of the same booking only count in that anomaly's details. When the
//! attempt starts, it adopts the session.

use serde_json::{Value, json};
use sqlx::AnyConnection;

use crate::app::AppState;
use crate::db::{Db, DbText, is_unique_violation, new_id, now_ms};
use crate::monitoring::model::{Kind, Severity};
use crate::monitoring::rules::{Action, Opened};
use crate::monitoring::settings::MonitorSettings;
use crate::monitoring::store::{self, SessionRef};

/// Why a session stopped when it only holds a refusal (no label of its own yet in the panels).
const STOP_REASON: &str = crate::monitoring::model::StopReason::WebcamRefused.as_str();

/// Longest reason kept, in characters.
pub const MAX_REASON_CHARS: usize = 200;

/// The browser's reason (an error name such as `NotAllowedError`), as stored and logged:
/// control characters removed, trimmed, at most [`MAX_REASON_CHARS`] characters.
pub fn clean_reason(raw: &str) -> String {
    let kept: String = raw.chars().filter(|c| !c.is_control()).take(MAX_REASON_CHARS * 4).collect();
    kept.trim().chars().take(MAX_REASON_CHARS).collect()
}

/// Who refused, for which booking.
#[derive(Clone, Copy, Debug)]
pub struct Refused<'a> {
    /// The booking whose start page refused the camera.
    pub booking_id: &'a str,
    /// Its exam.
    pub exam_id: &'a str,
    /// The student.
    pub student_id: &'a str,
    /// The reason, already cleaned by [`clean_reason`].
    pub reason: &'a str,
}

/// Records a refusal; returns whether it opened the anomaly (false: an earlier refusal of the
/// same booking did, and this one is counted in its details).
pub async fn record(state: &AppState, r: &Refused<'_>) -> sqlx::Result<bool> {
    let (db, settings) = (&state.db, state.config.monitoring());
    let now = now_ms();
    let session_id = match ensure_session(db, r, now).await? {
        Some(id) => id,
        // Two refusals at once: the other one created the session.
        None => ensure_session(db, r, now).await?.ok_or(sqlx::Error::RowNotFound)?,
    };
    let mut tx = db.pool().begin().await?;
    // Taking the session row (a no-op write) orders concurrent refusals of the booking.
    sqlx::query("UPDATE monitoring_sessions SET updated_at = ? WHERE id = ?")
        .bind(now)
        .bind(&session_id)
        .execute(&mut *tx)
        .await?;
    let existing: Option<(String, DbText)> = sqlx::query_as(
        "SELECT id, details FROM monitoring_anomalies WHERE session_id = ? AND kind = ? ORDER BY detected_at LIMIT 1",
    )
    .bind(&session_id)
    .bind(Kind::WebcamDisabled.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let opened = match existing {
        Some((anomaly_id, details)) => {
            count_again(&mut tx, &anomaly_id, &details.0, r.reason, now).await?;
            false
        }
        None => {
            open(&mut tx, settings, &session_id, r, now).await?;
            true
        }
    };
    tx.commit().await?;
    state.live.panels.notify();
    Ok(opened)
}

/// The booking's refusal session, created (stopped) when missing; `None` when a concurrent
/// refusal created it between the look-up and the insert.
async fn ensure_session(db: &Db, r: &Refused<'_>, now: i64) -> sqlx::Result<Option<String>> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM monitoring_sessions WHERE booking_id = ?")
        .bind(r.booking_id)
        .fetch_optional(db.pool())
        .await?;
    if found.is_some() {
        return Ok(found);
    }
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO monitoring_sessions (id, attempt_id, booking_id, exam_id, student_id, status, active_key, \
         started_at, stopped_at, stop_reason, rule_state, updated_at) \
         VALUES (?, NULL, ?, ?, ?, 'stopped', NULL, ?, ?, ?, '{}', ?)",
    )
    .bind(&id)
    .bind(r.booking_id)
    .bind(r.exam_id)
    .bind(r.student_id)
    .bind(now)
    .bind(now)
    .bind(STOP_REASON)
    .bind(now)
    .execute(db.pool())
    .await;
    match inserted {
        Ok(_) => Ok(Some(id)),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Opens the anomaly (an instant: it ends when it starts), with its outbox event and the risk.
async fn open(
    conn: &mut AnyConnection,
    settings: &MonitorSettings,
    session_id: &str,
    r: &Refused<'_>,
    now: i64,
) -> sqlx::Result<()> {
    let session = SessionRef {
        id: session_id.to_owned(),
        attempt_id: String::new(),
        exam_id: r.exam_id.to_owned(),
        student_id: r.student_id.to_owned(),
    };
    let id = new_id();
    let opened = Opened {
        id: id.clone(),
        kind: Kind::WebcamDisabled,
        severity: Severity::Critical,
        started_at: now,
        detected_at: now,
        confidence: 1.0,
        details: json!({"before_start": true, "reason": r.reason, "refusals": 1}),
        frame_id: None,
        from_detector: false,
    };
    let actions = [Action::Open(opened), Action::Close { anomaly_id: id, ended_at: now }];
    let window = settings.rules.high_risk_window_ms / 1000;
    store::apply(conn, &session, &actions, None, window).await?;
    store::refresh_risk(conn, session_id, &settings.weights).await?;
    Ok(())
}

/// A later refusal: counted, with its reason, in the anomaly already open.
async fn count_again(
    conn: &mut AnyConnection,
    anomaly_id: &str,
    details: &str,
    reason: &str,
    now: i64,
) -> sqlx::Result<()> {
    let mut details: Value = serde_json::from_str(details).unwrap_or_else(|_| json!({}));
    let refusals = details.get("refusals").and_then(Value::as_i64).unwrap_or(1) + 1;
    if let Some(map) = details.as_object_mut() {
        map.insert("refusals".into(), json!(refusals));
        map.insert("reason".into(), json!(reason));
    }
    sqlx::query("UPDATE monitoring_anomalies SET details = ?, updated_at = ? WHERE id = ?")
        .bind(details.to_string())
        .bind(now)
        .bind(anomaly_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The attempt just started adopts its booking's refusal session, if any (on the start's
/// transaction), so the refusal shows in the attempt's monitoring history.
pub async fn adopt(conn: &mut AnyConnection, booking_id: &str, attempt_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE monitoring_sessions SET attempt_id = ? WHERE booking_id = ? AND attempt_id IS NULL")
        .bind(attempt_id)
        .bind(booking_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_lose_control_characters_and_are_bounded() {
        assert_eq!(clean_reason("NotAllowedError"), "NotAllowedError");
        assert_eq!(clean_reason(" Not\nAllowed\u{1b}[31mError\t"), "NotAllowed[31mError");
        assert_eq!(clean_reason(&"é".repeat(500)).chars().count(), MAX_REASON_CHARS);
        assert_eq!(clean_reason("\u{0}\u{7}"), "");
    }
}
