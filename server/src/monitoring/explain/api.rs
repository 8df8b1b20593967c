//! JSON API of a session's anomalies with their explanations (proctors in scope and admins).

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::build::{Explanation, explain};
use crate::accounts::extract::{Authed, ProctorOrAdmin};
use crate::app::AppState;
use crate::db::is_id;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::monitoring::panels::queries::{self, AnomalyRow, Scope};

fn explanation_json(a: &AnomalyRow) -> Value {
    let en: Explanation = explain(&a.facts(), Lang::En);
    let fr = explain(&a.facts(), Lang::Fr);
    json!({
        "reason": {"en": en.reason, "fr": fr.reason},
        "open": en.open,
        "duration_ms": en.duration_ms,
        "visual": en.visual,
        "browser": en.browser,
        "browser_flagged": en.browser_flagged,
        "server": en.server,
        "models": {"faces": en.face_model, "objects": en.object_model},
        "thresholds": {"face": en.face_threshold, "object": en.object_threshold},
        "evidence_frame_id": en.evidence_frame_id,
        "evidence_url": en.evidence_frame_id.as_ref().map(|id| format!("/monitoring/frames/{id}")),
    })
}

fn anomaly_json(a: &AnomalyRow) -> Value {
    json!({
        "id": a.id,
        "kind": a.kind,
        "severity": a.severity,
        "method": a.method,
        "confidence": a.confidence_permille as f64 / 1000.0,
        "details": serde_json::from_str::<Value>(&a.details).unwrap_or(Value::Null),
        "frame_id": a.frame_id,
        "started_at": a.started_at,
        "detected_at": a.detected_at,
        "ended_at": a.ended_at,
        "verification": a.verification,
        "review": a.review,
        "review_note": a.review_note,
        "explanation": explanation_json(a),
    })
}

/// `GET /api/v1/monitoring/sessions/{session_id}/anomalies`: newest first, each explained.
pub async fn list_anomalies(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<ProctorOrAdmin>,
    Path(session_id): Path<String>,
) -> AppResult<Json<Value>> {
    if !is_id(&session_id) {
        return Err(AppError::NotFound);
    }
    let session = queries::session(&state.db, &Scope::of(&user), &session_id).await?.ok_or(AppError::NotFound)?;
    let anomalies = queries::anomalies_of(&state.db, &session.id).await?;
    Ok(Json(json!({
        "session_id": session.id,
        "attempt_id": session.attempt_id,
        "status": session.status,
        "risk_score": session.risk_score,
        "being_checked": session.checking,
        "anomalies": anomalies.iter().map(anomaly_json).collect::<Vec<_>>(),
    })))
}

fn verdict_schema() -> Value {
    json!({"type": ["object", "null"], "description": "null: not analysed", "properties": {
        "faces": {"type": "array", "items": {"type": "number"}, "description": "Face scores, best first"},
        "objects": {"type": "array", "items": {"type": "object", "properties": {
            "label": {"type": "string"}, "score": {"type": "number"}}}}}})
}

/// OpenAPI paths and schemas of this API.
pub fn openapi_paths() -> Value {
    use crate::api::openapi::error;
    let explanation = json!({"type": "object", "required": ["reason", "open", "visual", "browser", "server"], "properties": {
        "reason": {"type": "object", "description": "The reason in plain words", "properties": {
            "en": {"type": "string", "examples": ["2 faces seen for 6 s"]}, "fr": {"type": "string", "examples": ["2 visages vus pendant 6 s"]}}},
        "open": {"type": "boolean", "description": "The episode still lasts (the reason reads \"since …\")"},
        "duration_ms": {"type": ["integer", "null"]},
        "visual": {"type": "boolean", "description": "Judged on pictures: the verdicts matter"},
        "browser": verdict_schema(),
        "browser_flagged": {"type": ["boolean", "null"], "description": "Whether the browser flagged it (null: not recorded)"},
        "server": verdict_schema(),
        "models": {"type": "object", "properties": {"faces": {"type": ["string", "null"]}, "objects": {"type": ["string", "null"]}}},
        "thresholds": {"type": "object", "properties": {"face": {"type": ["number", "null"]}, "object": {"type": ["number", "null"]}}},
        "evidence_frame_id": {"type": ["string", "null"]},
        "evidence_url": {"type": ["string", "null"], "description": "The JPEG, for those who may see it"}}});
    let anomaly = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "kind": {"type": "string"}, "severity": {"type": "string", "enum": ["low", "medium", "high", "critical"]},
        "method": {"type": "string"}, "confidence": {"type": "number"}, "details": {"type": "object"},
        "frame_id": {"type": ["string", "null"]}, "started_at": {"type": "integer"}, "detected_at": {"type": "integer"},
        "ended_at": {"type": ["integer", "null"]}, "verification": {"type": "string"},
        "review": {"type": "string", "enum": ["pending", "confirmed", "dismissed"]}, "review_note": {"type": ["string", "null"]},
        "explanation": explanation}});
    json!({
        "/api/v1/monitoring/sessions/{session_id}/anomalies": {"get": {
            "summary": "A monitoring session's anomalies, newest first, each with its explanation",
            "security": [{"bearer": []}],
            "parameters": [{"name": "session_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {
                "200": {"description": "The anomalies", "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "session_id": {"type": "string"}, "attempt_id": {"type": "string"}, "status": {"type": "string"},
                    "risk_score": {"type": "integer"},
                    "being_checked": {"type": "boolean", "description": "A flagged frame waits for the server's check"},
                    "anomalies": {"type": "array", "items": anomaly}}}}}},
                "401": error("Not logged in"), "403": error("Not a proctor or admin"),
                "404": error("No such session in the caller's scope")}}}
    })
}
