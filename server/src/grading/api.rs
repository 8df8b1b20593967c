//! JSON API of results.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::queries;
use crate::accounts::extract::{Authed, StudentOnly};
use crate::app::AppState;
use crate::error::AppResult;

/// `GET /api/v1/results`: the student's attempts; scores only once graded and released.
pub async fn my_results(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
) -> AppResult<Json<Value>> {
    let rows = queries::results_of_student(&state.db, &user.id).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            let visible = r.visible();
            json!({
                "attempt_id": r.sheet.attempt_id,
                "exam_id": r.sheet.exam_id,
                "exam_title": r.exam_title,
                "status": r.sheet.status,
                "submitted_at": r.sheet.submitted_at,
                "result": if visible { "released" } else if r.sheet.grading_status == "graded" { "awaiting_release" } else { "pending" },
                "score_hundredths": if visible { r.sheet.score_hundredths } else { None },
                "max_score_hundredths": r.sheet.max_score_hundredths,
                "passed": if visible { r.sheet.passed.map(|p| p != 0) } else { None },
            })
        })
        .collect();
    Ok(Json(json!({ "results": items })))
}

/// OpenAPI paths of this API.
pub fn openapi_paths() -> Value {
    use crate::api::openapi::error;
    json!({
        "/api/v1/results": {"get": {
            "summary": "The caller's attempts and, once graded and released, their scores",
            "security": [{"bearer": []}],
            "responses": {"200": {"description": "Results", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "results": {"type": "array", "items": {"type": "object", "properties": {
                    "attempt_id": {"type": "string"}, "exam_id": {"type": "string"}, "exam_title": {"type": "string"},
                    "status": {"type": "string", "enum": ["in_progress", "submitted"]},
                    "submitted_at": {"type": ["integer", "null"]},
                    "result": {"type": "string", "enum": ["pending", "awaiting_release", "released"]},
                    "score_hundredths": {"type": ["integer", "null"]}, "max_score_hundredths": {"type": "integer"},
                    "passed": {"type": ["boolean", "null"]}}}}}}}}},
                "401": error("Not logged in"), "403": error("Not a student")}}}
    })
}
