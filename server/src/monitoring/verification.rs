//! Storing the server's analysis of a frame: confirming or rejecting the browser's flags, and
//! running the rules on frames the browser could not analyse.

use sqlx::AnyConnection;

use super::frame_queries::FrameForCheck;
use super::model::{Kind, Method, Review, Verification};
use super::pipeline::run_rules;
use super::rules::{self, Input, Observation};
use super::store::{self, SessionRef};
use crate::app::AppState;
use crate::db::{DbText, now_ms};

fn observation(d: &wasm_detector::Detections, frame_id: &str) -> Observation {
    Observation {
        faces: d.faces.iter().map(|f| f.score).collect(),
        objects: d.objects.iter().map(|o| (o.label.clone(), o.score)).collect(),
        frame_id: Some(frame_id.to_owned()),
    }
}

#[derive(sqlx::FromRow)]
struct ToCheck {
    id: String,
    kind: String,
    #[sqlx(try_from = "DbText")]
    details: String,
    frame_id: Option<String>,
    verification: String,
    review: String,
    reviewed_by: Option<String>,
}

/// Stores the server's analysis of a frame: confirms or rejects the client anomalies it is
/// evidence for (and reconsiders open episodes it shows), and runs the rules on it when the
/// browser sent no verdict. Returns false when another worker had already done it.
pub async fn apply_verification(
    state: &AppState,
    frame: &FrameForCheck,
    detections: &wasm_detector::Detections,
    analysis_ms: u64,
) -> anyhow::Result<bool> {
    let cfg = &state.config.monitoring;
    let now = now_ms();
    let seen = observation(detections, &frame.id);
    let mut tx = state.db.pool().begin().await?;
    let done = sqlx::query(
        "UPDATE monitoring_frames SET verification = 'done', claimed_until = NULL, server_result = ?, verified_at = ?, \
         verify_ms = ? WHERE id = ? AND verification IN ('queued', 'pending')",
    )
    .bind(serde_json::to_string(detections)?)
    .bind(now)
    .bind(i64::try_from(analysis_ms).unwrap_or(i64::MAX))
    .bind(&frame.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let checks: Vec<ToCheck> = sqlx::query_as(
        "SELECT id, kind, details, frame_id, verification, review, reviewed_by FROM monitoring_anomalies \
         WHERE session_id = ? AND method <> 'rule' AND (frame_id = ? OR (ended_at IS NULL AND verification <> 'confirmed'))",
    )
    .bind(&frame.session_id)
    .bind(&frame.id)
    .fetch_all(&mut *tx)
    .await?;
    let mut changed = false;
    for a in checks {
        let Some(kind) = Kind::parse(&a.kind) else { continue };
        let details: serde_json::Value = serde_json::from_str(&a.details).unwrap_or_default();
        let own_evidence = a.frame_id.as_deref() == Some(frame.id.as_str());
        match rules::confirms(kind, &details, &seen, &cfg.rules) {
            Some(confidence) if a.verification != "confirmed" => {
                // A flag rejected on other evidence is restored, unless a proctor decided.
                let review = if a.reviewed_by.is_none() { Review::Pending.as_str() } else { a.review.as_str() };
                sqlx::query(
                    "UPDATE monitoring_anomalies SET method = 'server_verified', verification = 'confirmed', \
                     confidence_permille = ?, frame_id = ?, review = ?, updated_at = ? WHERE id = ?",
                )
                .bind(store::permille(confidence))
                .bind(&frame.id)
                .bind(review)
                .bind(now)
                .bind(&a.id)
                .execute(&mut *tx)
                .await?;
                changed = true;
            }
            None if own_evidence && a.verification == "pending" => {
                sqlx::query(
                    "UPDATE monitoring_anomalies SET verification = 'rejected', review = 'dismissed', updated_at = ? \
                     WHERE id = ? AND reviewed_by IS NULL",
                )
                .bind(now)
                .bind(&a.id)
                .execute(&mut *tx)
                .await?;
                changed = true;
            }
            _ => {}
        }
    }
    if frame.client_result.is_none() {
        changed |= server_rules(&mut tx, state, frame, &seen).await?;
    }
    if changed {
        store::refresh_risk(&mut tx, &frame.session_id, &cfg.weights).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Frames the browser could not analyse: the server's detections drive the rules.
async fn server_rules(
    conn: &mut AnyConnection,
    state: &AppState,
    frame: &FrameForCheck,
    seen: &Observation,
) -> sqlx::Result<bool> {
    let took = sqlx::query("UPDATE monitoring_sessions SET rate_count = rate_count WHERE id = ? AND status = 'active'")
        .bind(&frame.session_id)
        .execute(&mut *conn)
        .await?;
    if took.rows_affected() == 0 {
        return Ok(false);
    }
    let row: (String, String, String, DbText) =
        sqlx::query_as("SELECT attempt_id, exam_id, student_id, rule_state FROM monitoring_sessions WHERE id = ?")
            .bind(&frame.session_id)
            .fetch_one(&mut *conn)
            .await?;
    let session = SessionRef { id: frame.session_id.clone(), attempt_id: row.0, exam_id: row.1, student_id: row.2 };
    let inputs = [Input::Seen(seen)];
    let detector = (Method::ServerVerified, Verification::Confirmed);
    run_rules(conn, state, &session, &row.3.0, &inputs, frame.received_at, detector).await
}
