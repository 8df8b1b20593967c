//! Handlers of the admins' bookings page.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::queries::{self, AdminBooking, Filter};
use super::views;
use crate::accounts::extract::{AdminOnly, Authed};
use crate::accounts::model::Role;
use crate::app::AppState;
use crate::bookings::service::{self, AdminCancelRefusal};
use crate::bookings::status::BookingStatus;
use crate::db::{is_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::exams::queries as exams;
use crate::views::layout::{respond, respond_with};
use crate::web::PageCtx;

/// Bookings per page.
const PAGE_SIZE: i64 = 25;
/// Students a name or email search matches at most (the admin narrows the search beyond).
const STUDENT_MATCHES: i64 = 500;
/// The longest message to a student, in characters.
pub const NOTE_MAX_CHARS: usize = 1000;

/// The page's filters, as in its URL.
#[derive(Debug, Default, Deserialize)]
pub struct BookingSearch {
    /// Exam id (empty: all).
    #[serde(default)]
    pub exam: String,
    /// Slot id of that exam (empty: all).
    #[serde(default)]
    pub slot: String,
    /// Part of the student's name or email.
    #[serde(default)]
    pub student: String,
    /// `active`, `cancelled` or empty (all).
    #[serde(default)]
    pub status: String,
    /// 1-based page.
    pub page: Option<i64>,
}

impl BookingSearch {
    fn status(&self) -> Option<&'static str> {
        match self.status.as_str() {
            "active" => Some("active"),
            "cancelled" => Some("cancelled"),
            _ => None,
        }
    }
}

/// `GET /admin/bookings`: the page, or (htmx) the filters and results that changed.
pub async fn list(
    State(state): State<AppState>,
    _admin: Authed<AdminOnly>,
    ctx: PageCtx,
    Query(search): Query<BookingSearch>,
) -> AppResult<Response> {
    let content = content(&state, &ctx, &search).await?;
    if ctx.htmx && ctx.hx_target.as_deref() == Some(views::CONTENT_ID) {
        return Ok(respond(&ctx, "", content));
    }
    Ok(respond(&ctx, ctx.t("admin.bookings.title"), content))
}

/// The filters (the exam's slots when one is chosen) and a page of results.
async fn content(state: &AppState, ctx: &PageCtx, search: &BookingSearch) -> AppResult<maud::Markup> {
    let exam_list = exams::list_all_summaries(&state.db).await?;
    let exam_id = is_id(&search.exam).then(|| search.exam.clone());
    let slots = match &exam_id {
        Some(id) => exams::list_slots(&state.db, id).await?,
        None => Vec::new(),
    };
    // A slot filter counts only when it is one of the chosen exam's slots.
    let slot_id = slots.iter().find(|s| s.id == search.slot).map(|s| s.id.clone());
    let student = search.student.trim();
    let student_ids = if student.is_empty() {
        None
    } else {
        let (students, _) =
            crate::accounts::queries::search(&state.db, student, Some(Role::Student), STUDENT_MATCHES, 0).await?;
        Some(students.into_iter().map(|u| u.id).collect())
    };
    let filter = Filter { exam_id, slot_id, student_ids, status: search.status(), ..Filter::default() };
    // The page is clamped to the last one, so any number in the URL gives a page.
    let total = queries::count(state, &filter).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = search.page.unwrap_or(1).clamp(1, pages);
    let rows = queries::search(state, &filter, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let results = views::results(ctx, &rows, search, page, pages, total, now_ms());
    Ok(views::content(ctx, search, &exam_list, &slots, results))
}

/// The cancellation form.
#[derive(Debug, Default, Deserialize)]
pub struct CancelForm {
    /// The message the student is sent.
    #[serde(default)]
    pub note: String,
}

/// Why a message cannot be sent, as an i18n key.
fn note_error(note: &str) -> Option<&'static str> {
    if note.trim().is_empty() {
        Some("admin.bookings.note_required")
    } else if note.chars().count() > NOTE_MAX_CHARS {
        Some("admin.bookings.note_too_long")
    } else if note.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        Some("admin.bookings.note_invalid")
    } else {
        None
    }
}

/// `POST /admin/bookings/{booking_id}/cancel` (`note`): cancels a booking whose exam has not
/// been started and whose slot is not over; the student is notified with the message. 422 with
/// the form again for a missing or too long message, 409 when it can no longer be cancelled.
pub async fn cancel(
    State(state): State<AppState>,
    Authed { user: admin, .. }: Authed<AdminOnly>,
    ctx: PageCtx,
    Path(booking_id): Path<String>,
    Form(form): Form<CancelForm>,
) -> AppResult<Response> {
    if !is_id(&booking_id) {
        return Err(AppError::NotFound);
    }
    let booking = queries::get(&state, &booking_id).await?.ok_or(AppError::NotFound)?;
    let now = now_ms();
    if let Some(key) = note_error(&form.note) {
        let row = views::row(&ctx, &booking, now, Some((&form.note, ctx.t(key))));
        return Ok(respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("admin.bookings.title"), row));
    }
    refuse_unless_cancellable(&ctx, &booking, now)?;
    let note = form.note.trim().replace("\r\n", "\n");
    match service::cancel_by_admin(&state.db, &admin.id, &booking_id, &note).await? {
        Ok(()) => {}
        Err(AdminCancelRefusal::NotFound) => {
            return Err(AppError::Conflict(ctx.t("admin.bookings.error.already").to_owned()));
        }
        Err(AdminCancelRefusal::Over) => return Err(AppError::Conflict(ctx.t("admin.bookings.error.over").to_owned())),
    }
    tracing::info!(admin = %admin.id, booking_id = %booking_id, student = %booking.student_id, "booking cancelled by an admin");
    if !ctx.htmx {
        return Ok(Redirect::to(&format!("/admin/bookings?exam={}", booking.booking.exam_id)).into_response());
    }
    let updated = queries::get(&state, &booking_id).await?.ok_or(AppError::NotFound)?;
    Ok(respond(&ctx, "", views::row_with_toast(&ctx, &updated, now_ms(), ctx.t("admin.bookings.cancelled"))))
}

/// 409 for a booking whose student has started the exam, whose slot is over, or that is
/// already cancelled.
fn refuse_unless_cancellable(ctx: &PageCtx, b: &AdminBooking, now: i64) -> AppResult<()> {
    let key = match b.booking.status_at(now) {
        BookingStatus::Scheduled | BookingStatus::Open => return Ok(()),
        BookingStatus::InProgress | BookingStatus::Completed => "admin.bookings.error.started",
        BookingStatus::Missed => "admin.bookings.error.over",
        BookingStatus::Cancelled(_) => "admin.bookings.error.already",
    };
    Err(AppError::Conflict(ctx.t(key).to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_must_be_written_short_and_printable() {
        assert_eq!(note_error("  \n "), Some("admin.bookings.note_required"));
        assert_eq!(note_error(&"é".repeat(NOTE_MAX_CHARS)), None);
        assert_eq!(note_error(&"é".repeat(NOTE_MAX_CHARS + 1)), Some("admin.bookings.note_too_long"));
        assert_eq!(note_error("line\r\nnext\ttab"), None);
        assert_eq!(note_error("bell\u{7}"), Some("admin.bookings.note_invalid"));
        assert_eq!(note_error("nul\0"), Some("admin.bookings.note_invalid"));
    }
}
