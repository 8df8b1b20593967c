//! JSON API of the caller's notifications.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde_json::{Value, json};

use super::handlers::{PER_PAGE, PageQuery, page_offset};
use super::queries::{self, Notification};
use crate::accounts::extract::Authed;
use crate::app::AppState;
use crate::db::is_id;
use crate::error::{AppError, AppResult};

fn to_json(n: &Notification) -> Value {
    json!({
        "id": n.id, "event_type": n.event_type, "title": n.title, "body": n.body, "link": n.link,
        "created_at": n.created_at, "read_at": n.read_at, "read": n.read_at.is_some(),
    })
}

/// `GET /api/v1/notifications?page=n`: the caller's notifications, newest first.
pub async fn list(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<Value>> {
    let (page, offset) = page_offset(&q);
    let (items, total) = queries::list(&state.db, &user.id, PER_PAGE, offset).await?;
    let unread = queries::unread_count(&state.db, &user.id).await?;
    Ok(Json(json!({
        "notifications": items.iter().map(to_json).collect::<Vec<_>>(),
        "page": page, "per_page": PER_PAGE, "total": total, "unread": unread,
    })))
}

/// `POST /api/v1/notifications/{id}/read`.
pub async fn mark_read(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    if !is_id(&id) || !queries::mark_read(&state.db, &user.id, &id).await? {
        return Err(AppError::NotFound);
    }
    state.live.bell.notify();
    let n = queries::find_own(&state.db, &user.id, &id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(to_json(&n)))
}

/// `POST /api/v1/notifications/read-all`.
pub async fn mark_all_read(State(state): State<AppState>, Authed { user, .. }: Authed) -> AppResult<Json<Value>> {
    let marked = queries::mark_all_read(&state.db, &user.id).await?;
    state.live.bell.notify();
    Ok(Json(json!({ "marked": marked, "unread": 0 })))
}

/// OpenAPI paths of this API.
pub fn openapi_paths() -> Value {
    use crate::api::openapi::error;
    let notification = json!({"type": "object", "required": ["id", "event_type", "title", "body", "created_at", "read"], "properties": {
        "id": {"type": "string"},
        "event_type": {"type": "string", "enum": ["exam_scheduled", "exam_cancelled", "results", "copy_graded", "manual_review_required", "anomaly", "critical_alert"]},
        "title": {"type": "string"}, "body": {"type": "string"}, "link": {"type": ["string", "null"]},
        "created_at": {"type": "integer", "description": "UTC ms"}, "read_at": {"type": ["integer", "null"]}, "read": {"type": "boolean"}}});
    json!({
        "/api/v1/notifications": {"get": {
            "summary": "The caller's notifications, newest first (20 per page)",
            "security": [{"bearer": []}],
            "parameters": [{"name": "page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": {"description": "A page of notifications", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "notifications": {"type": "array", "items": notification.clone()},
                "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}, "unread": {"type": "integer"}}}}}},
                "401": error("Not logged in")}}},
        "/api/v1/notifications/{id}/read": {"post": {
            "summary": "Marks one of the caller's notifications read",
            "security": [{"bearer": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The notification", "content": {"application/json": {"schema": notification}}},
                "401": error("Not logged in"), "404": error("No such notification of the caller")}}},
        "/api/v1/notifications/read-all": {"post": {
            "summary": "Marks every notification of the caller read",
            "security": [{"bearer": []}],
            "responses": {"200": {"description": "How many were marked", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "marked": {"type": "integer"}, "unread": {"type": "integer"}}}}}},
                "401": error("Not logged in")}}}
    })
}
