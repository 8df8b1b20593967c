//! Publishing, unpublishing and deleting an exam. Unpublishing or deleting an exam with active
//! bookings cancels them (each with its `exam_cancelled` event) after an explicit confirmation
//! that says how many.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::access::owned_exam;
use super::model::ExamStatus;
use super::queries;
use super::questions::queries as question_queries;
use super::views_exam;
use crate::accounts::extract::{Authed, TeacherOrAdmin};
use crate::app::AppState;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::views::layout::respond;
use crate::web::PageCtx;

/// A destructive action's form: `confirm=yes` once the user confirmed.
#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    /// `yes` when confirmed.
    #[serde(default)]
    pub confirm: String,
}

impl ConfirmForm {
    /// Whether the user confirmed.
    pub fn confirmed(&self) -> bool {
        self.confirm == "yes"
    }
}

/// `POST /exams/{exam_id}/publish`: needs a question and an upcoming slot.
pub async fn publish_exam(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let has_question = !question_queries::list_for_exam(&state.db, &exam.id).await?.is_empty();
    let now = now_ms();
    let has_slot = queries::list_slots(&state.db, &exam.id).await?.iter().any(|s| s.starts_at > now);
    let missing: Vec<&str> = [(has_question, "editor.publish.needs_question"), (has_slot, "editor.publish.needs_slot")]
        .into_iter()
        .filter(|(ok, _)| !ok)
        .map(|(_, key)| ctx.lang.t(key))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::Conflict(format!("{} {}", ctx.t("editor.publish.refused"), missing.join(" "))));
    }
    queries::set_status(&state.db, &exam.id, ExamStatus::Published).await?;
    tracing::info!(user = %user.id, exam_id = %exam.id, "exam published");
    Ok(Redirect::to(&format!("/exams/{}", exam.id)).into_response())
}

/// `POST /exams/{exam_id}/unpublish`: back to draft; asks first when bookings would be cancelled.
pub async fn unpublish_exam(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let back = format!("/exams/{}", exam.id);
    if exam.status != ExamStatus::Published {
        return Ok(Redirect::to(&back).into_response());
    }
    let active = state.seats().on_exam(&state.db, &exam.id).await?;
    if active > 0 && !form.confirmed() {
        let message = ctx.lang.tf("editor.unpublish.confirm", &[("n", &active.to_string())]);
        let body = views_exam::confirm_page(
            &ctx,
            &message,
            &format!("{back}/unpublish"),
            ctx.t("editor.unpublish"),
            &back,
            &[],
        );
        return Ok(respond(&ctx, ctx.t("editor.unpublish"), body));
    }
    // Draft first, so no new booking slips in while the existing ones are cancelled.
    queries::set_status(&state.db, &exam.id, ExamStatus::Draft).await?;
    let cancelled = state.seats().release_exam(&state.db, &exam.id, "exam_unpublished", &user.id).await?;
    tracing::info!(user = %user.id, exam_id = %exam.id, cancelled, "exam unpublished");
    Ok(Redirect::to(&back).into_response())
}

/// `POST /exams/{exam_id}/delete`: always asks first (saying how many bookings go), then
/// soft-deletes and cancels the bookings.
pub async fn delete_exam(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    if !form.confirmed() {
        let active = state.seats().on_exam(&state.db, &exam.id).await?;
        let message = ctx.lang.tf("editor.delete.confirm", &[("title", &exam.title), ("n", &active.to_string())]);
        let back = format!("/exams/{}", exam.id);
        let body =
            views_exam::confirm_page(&ctx, &message, &format!("{back}/delete"), ctx.t("editor.delete"), &back, &[]);
        return Ok(respond(&ctx, ctx.t("editor.delete"), body));
    }
    queries::set_status(&state.db, &exam.id, ExamStatus::Deleted).await?;
    let cancelled = state.seats().release_exam(&state.db, &exam.id, "exam_deleted", &user.id).await?;
    tracing::info!(user = %user.id, exam_id = %exam.id, cancelled, "exam deleted");
    Ok(Redirect::to("/teacher").into_response())
}
