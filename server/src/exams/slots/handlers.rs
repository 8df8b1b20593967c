//! Adding and removing slots. The end of a slot is computed by the server; removing a slot
//! with bookings asks first, then cancels them (each student is notified by its event).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::views::{PendingRemoval, slots_section};
use crate::accounts::extract::{Authed, TeacherOrAdmin};
use crate::app::AppState;
use crate::db::{is_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::exams::access::owned_exam;
use crate::exams::forms::{FieldErrors, SlotForm, check_slot};
use crate::exams::handlers::blank_slot_form;
use crate::exams::handlers_status::ConfirmForm;
use crate::exams::model::Exam;
use crate::exams::queries;
use crate::views::layout::respond_with;
use crate::web::PageCtx;

/// The slots section after a change: the fresh section for htmx, else back to the exam page.
async fn after_change(state: &AppState, ctx: &PageCtx, exam: &Exam) -> AppResult<Response> {
    if !ctx.htmx {
        return Ok(Redirect::to(&format!("/exams/{}#slots", exam.id)).into_response());
    }
    let slots = queries::list_slots(&state.db, &exam.id).await?;
    let body = slots_section(ctx, exam, &slots, &blank_slot_form(), &FieldErrors::new(), None);
    Ok(respond_with(ctx, StatusCode::OK, ctx.t("editor.slots"), body))
}

/// `POST /exams/{exam_id}/slots`: future, not overlapping another slot of the exam.
pub async fn add_slot(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
    Form(form): Form<SlotForm>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let slots = queries::list_slots(&state.db, &exam.id).await?;
    let others: Vec<(i64, i64)> = slots.iter().map(|s| (s.starts_at, s.ends_at)).collect();
    let checked = form.parse().and_then(|(start, capacity)| {
        check_slot(now_ms(), start, start + exam.duration_minutes * 60_000, &others)
            .map(|()| (start, capacity))
            .map_err(|key| FieldErrors::from([("starts_local", key)]))
    });
    match checked {
        Ok((start, capacity)) => {
            queries::insert_slot(&state.db, &exam.id, start, capacity).await?;
            after_change(&state, &ctx, &exam).await
        }
        Err(errors) => {
            let body = slots_section(&ctx, &exam, &slots, &form, &errors, None);
            Ok(respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("editor.slots"), body))
        }
    }
}

/// `POST /exams/{exam_id}/slots/{slot_id}/remove`.
pub async fn remove_slot(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path((exam_id, slot_id)): Path<(String, String)>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    if !is_id(&slot_id) {
        return Err(AppError::NotFound);
    }
    let slot = queries::get_slot(&state.db, &slot_id)
        .await?
        .filter(|s| s.exam_id == exam.id && s.cancelled_at.is_none())
        .ok_or(AppError::NotFound)?;
    let bookings = state.seats().on_slot(&state.db, &slot.id).await?;
    if bookings > 0 && !form.confirmed() {
        let slots = queries::list_slots(&state.db, &exam.id).await?;
        let pending = PendingRemoval { slot: &slot, bookings };
        let body = slots_section(&ctx, &exam, &slots, &blank_slot_form(), &FieldErrors::new(), Some(pending));
        return Ok(respond_with(&ctx, StatusCode::OK, ctx.t("editor.slot.remove"), body));
    }
    let cancelled = state.seats().remove_slot(&state.db, &slot.id, &user.id).await?;
    tracing::info!(user = %user.id, slot_id = %slot.id, cancelled, "slot removed");
    after_change(&state, &ctx, &exam).await
}
