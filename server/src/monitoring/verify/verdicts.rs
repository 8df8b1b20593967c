//! Storing the server's analysis of a frame and running the visual rules on the server's own
//! observations, per session in capture order: a frame's observation is applied once every
//! earlier picture of the session that waits for the server has been analysed, so a backlog
//! delays anomalies but never reorders or drops them. The browser's flag on the frame is kept
//! as confirmed or rejected (statistics); it never opens an anomaly by itself.

use serde_json::{Value, json};
use sqlx::AnyConnection;

use crate::app::AppState;
use crate::db::{DbText, now_ms};
use crate::monitoring::exam_settings::SessionDetection;
use crate::monitoring::ingest::pipeline::{Step, run_rules};
use crate::monitoring::ingest::sampling::INCONSISTENT_LIMIT;
use crate::monitoring::rules::{self, Input, Observation};
use crate::monitoring::storage::frame_queries::{FrameForCheck, OptText};
use crate::monitoring::store::SessionRef;

fn server_observation(d: &wasm_detector::Detections, frame_id: &str, objects_checked: bool) -> Observation {
    Observation {
        faces: d.faces.iter().map(|f| f.score).collect(),
        objects: d.objects.iter().map(|o| (o.label.clone(), o.score)).collect(),
        frame_id: Some(frame_id.to_owned()),
        faces_only: !objects_checked,
    }
}

/// The browser's verdict on a frame, if it analysed it.
fn browser_observation(client_result: Option<&str>) -> Option<Observation> {
    let v: Value = serde_json::from_str(client_result?).ok()?;
    if v.get("analyzed").and_then(Value::as_bool) == Some(false) {
        return None;
    }
    let score = |x: &Value| x.get("score").and_then(Value::as_f64).map(|s| s as f32);
    let faces = v.get("faces").and_then(Value::as_array).map(|a| a.iter().filter_map(score).collect());
    let objects = v
        .get("objects")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|o| Some((o.get("label")?.as_str()?.to_owned(), score(o)?))).collect());
    Some(Observation {
        faces: faces.unwrap_or_default(),
        objects: objects.unwrap_or_default(),
        frame_id: None,
        faces_only: false,
    })
}

fn summary(o: &Observation) -> Value {
    let round = |s: f32| (f64::from(s) * 1000.0).round() / 1000.0;
    let objects: Vec<Value> = o.objects.iter().map(|(l, s)| json!([l, round(*s)])).collect();
    json!({
        "faces": o.faces.iter().map(|s| round(*s)).collect::<Vec<_>>(),
        // Not looked at (the browser flagged faces alone): unknown, not "none".
        "objects": if o.faces_only { Value::Null } else { Value::from(objects) },
    })
}

/// What is stored with an anomaly the server's observation opens: both verdicts, the models
/// and the thresholds.
fn evidence(server: &Observation, browser: Option<&Observation>, models: &Value, state: &AppState) -> Value {
    let r = &state.config.monitoring().rules;
    let mut server_part = summary(server);
    server_part["models"] = models.clone();
    let round = |t: f32| (f64::from(t) * 1000.0).round() / 1000.0;
    server_part["thresholds"] = json!({"face": round(r.face_threshold), "object": round(r.object_threshold)});
    json!({"server": server_part, "browser": browser.map(summary)})
}

/// Stores the server's analysis of a frame and applies every analysed frame of its session
/// that is now in order. Returns false when another worker had already done it.
pub async fn apply_verification(
    state: &AppState,
    frame: &FrameForCheck,
    detections: &wasm_detector::Detections,
    analysis_ms: u64,
) -> anyhow::Result<bool> {
    let server = server_observation(detections, &frame.id, frame.checked_objects != 0);
    let browser = browser_observation(frame.client_result.as_deref());
    let mut tx = state.db.pool().begin().await?;
    // The session row first: serialises with its frames and with other workers.
    sqlx::query("UPDATE monitoring_sessions SET rate_count = rate_count WHERE id = ?")
        .bind(&frame.session_id)
        .execute(&mut *tx)
        .await?;
    let exam_id: String = sqlx::query_scalar("SELECT exam_id FROM monitoring_sessions WHERE id = ?")
        .bind(&frame.session_id)
        .fetch_one(&mut *tx)
        .await?;
    let detection = SessionDetection::of_session(&mut tx, state, &frame.session_id, &exam_id).await?;
    let cfg = &detection.rules(&state.config.monitoring().rules);
    let outcome = match (&browser, frame.flagged != 0) {
        (Some(b), true) => Some(if rules::agrees(b, &server, cfg) { "confirmed" } else { "rejected" }),
        _ => None,
    };
    let done = sqlx::query(
        "UPDATE monitoring_frames SET verification = 'done', claimed_until = NULL, claimed_by = NULL, \
         server_result = ?, verified_at = ?, verify_ms = ?, flag_outcome = ? WHERE id = ? \
         AND verification IN ('queued', 'pending')",
    )
    .bind(serde_json::to_string(detections)?)
    .bind(now_ms())
    .bind(i64::try_from(analysis_ms).unwrap_or(i64::MAX))
    .bind(outcome)
    .bind(&frame.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let contradicted = frame.purpose == "sample" && browser.is_some() && rules::flags(&server, cfg);
    if contradicted {
        sqlx::query("UPDATE monitoring_sessions SET inconsistent_frames = inconsistent_frames + 1 WHERE id = ?")
            .bind(&frame.session_id)
            .execute(&mut *tx)
            .await?;
    }
    apply_in_order(&mut tx, state, &frame.session_id).await?;
    tx.commit().await?;
    Ok(true)
}

#[derive(sqlx::FromRow)]
struct Ready {
    id: String,
    observed_at: i64,
    #[sqlx(try_from = "OptText")]
    server_result: Option<String>,
    #[sqlx(try_from = "OptText")]
    client_result: Option<String>,
    checked_objects: i64,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    attempt_id: String,
    exam_id: String,
    student_id: String,
    #[sqlx(try_from = "DbText")]
    rule_state: String,
    status: String,
    stopped_at: Option<i64>,
    inconsistent_frames: i64,
}

/// Runs the rules on the session's analysed frames that no earlier waiting picture precedes.
async fn apply_in_order(conn: &mut AnyConnection, state: &AppState, session_id: &str) -> sqlx::Result<bool> {
    let first_waiting: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(observed_at) FROM monitoring_frames WHERE session_id = ? AND verification IN ('queued', 'pending')",
    )
    .bind(session_id)
    .fetch_one(&mut *conn)
    .await?;
    let ready: Vec<Ready> = sqlx::query_as(
        "SELECT id, observed_at, server_result, client_result, checked_objects FROM monitoring_frames WHERE session_id = ? AND verification = 'done' \
         AND rules_applied = 0 AND observed_at < ? ORDER BY observed_at, n",
    )
    .bind(session_id)
    .bind(first_waiting.unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?;
    let s: SessionRow = sqlx::query_as(
        "SELECT attempt_id, exam_id, student_id, rule_state, status, stopped_at, inconsistent_frames \
         FROM monitoring_sessions WHERE id = ?",
    )
    .bind(session_id)
    .fetch_one(&mut *conn)
    .await?;
    let parsed: Vec<(Observation, Value, i64)> = ready
        .iter()
        .filter_map(|r| {
            let d: wasm_detector::Detections = serde_json::from_str(r.server_result.as_deref()?).ok()?;
            let server = server_observation(&d, &r.id, r.checked_objects != 0);
            let browser = browser_observation(r.client_result.as_deref());
            let models = state.analyzer().map(|a| a.models(&d)).unwrap_or_default();
            let evidence = evidence(&server, browser.as_ref(), &models, state);
            Some((server, evidence, r.observed_at))
        })
        .collect();
    let mut steps: Vec<Step<'_>> = parsed
        .iter()
        .map(|(obs, evidence, at)| Step { input: Input::Seen(obs), at: *at, evidence: Some(evidence) })
        .collect();
    let now = now_ms();
    if s.inconsistent_frames >= INCONSISTENT_LIMIT {
        steps.push(Step::plain(Input::Incomplete { reason: "inconsistent", count: s.inconsistent_frames }, now));
    }
    for r in &ready {
        sqlx::query("UPDATE monitoring_frames SET rules_applied = 1 WHERE id = ?")
            .bind(&r.id)
            .execute(&mut *conn)
            .await?;
    }
    let session = SessionRef {
        id: session_id.to_owned(),
        attempt_id: s.attempt_id,
        exam_id: s.exam_id,
        student_id: s.student_id,
    };
    let close_at = (s.status != "active").then(|| s.stopped_at.unwrap_or(now));
    let detection = SessionDetection::of_session(conn, state, session_id, &session.exam_id).await?;
    Ok(run_rules(conn, state, &session, &detection, &s.rule_state, &steps, close_at).await?.changed)
}
