//! `GET /monitoring/frames/{frame_id}`: a stored frame, by id only. Admins read every frame,
//! proctors the frames of exams they watch, a student only their own; anyone else gets a 404
//! (teachers a 403), so ids reveal nothing.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::frame_queries;
use crate::accounts::extract::Authed;
use crate::accounts::model::Role;
use crate::app::AppState;
use crate::db::is_id;
use crate::error::{AppError, AppResult};
use crate::monitoring::panels::queries::{self, Scope};

/// Serves one JPEG.
pub async fn get_frame(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    Path(frame_id): Path<String>,
) -> AppResult<Response> {
    if user.role == Role::Teacher {
        return Err(AppError::Forbidden);
    }
    if !is_id(&frame_id) {
        return Err(AppError::NotFound);
    }
    let frame = frame_queries::access(&state.db, &frame_id).await?.ok_or(AppError::NotFound)?;
    let allowed = match user.role {
        Role::Admin => true,
        Role::Proctor => queries::exam_in_scope(&state.db, &Scope::of(&user), &frame.exam_id).await?,
        Role::Student => frame.student_id == user.id,
        Role::Teacher => false,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let key = frame.storage_key.ok_or(AppError::NotFound)?;
    let bytes = state.frames().get(&key).await?.ok_or(AppError::NotFound)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    Ok(response)
}
