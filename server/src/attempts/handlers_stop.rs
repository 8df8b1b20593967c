//! A proctor stops an exam: the attempt is submitted at once with the proctor's reason, which
//! the student reads on their result page.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::SubmitReason;
use crate::accounts::extract::{Authed, ProctorOrAdmin};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::monitoring::panels::handlers::session_in_scope;
use crate::monitoring::panels::queries::Scope;
use crate::web::PageCtx;

/// The stop form.
#[derive(Deserialize)]
pub struct StopForm {
    #[serde(default)]
    reason: String,
}

/// `POST /proctor/sessions/{session_id}/stop`: ends the exam with a reason the student reads.
pub async fn stop(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<ProctorOrAdmin>,
    ctx: PageCtx,
    Path(session_id): Path<String>,
    Form(form): Form<StopForm>,
) -> AppResult<Response> {
    let session = session_in_scope(&state, &Scope::of(&user), &session_id).await?;
    let reason = form.reason.trim();
    if reason.is_empty() {
        return Err(AppError::Invalid(ctx.t("monitor.err.reason_required").to_owned()));
    }
    let (Some(attempt_id), "active") = (session.attempt_id.as_deref(), session.status.as_str()) else {
        return Err(AppError::Conflict(ctx.t("monitor.err.already_stopped").to_owned()));
    };
    let done =
        super::submit::submit_with_note(&state, attempt_id, SubmitReason::Proctor, reason, Some(&user.id)).await?;
    if !done {
        return Err(AppError::Conflict(ctx.t("monitor.err.already_stopped").to_owned()));
    }
    tracing::info!(session_id = %session.id, proctor = %user.id, "exam stopped by a proctor");
    Ok(Redirect::to(&format!("/proctor/sessions/{}", session.id)).into_response())
}
