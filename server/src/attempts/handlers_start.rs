//! The consent and equipment-check page, the start, and the recorded webcam refusal.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::AttemptStatus;
use super::rules::{SlotWindow, slot_window};
use super::service::{self, StartRefusal};
use super::views_start::Privacy;
use super::{queries, views_start};
use crate::accounts::extract::{Authed, StudentOnly};
use crate::app::AppState;
use crate::db::{is_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::exams::queries as exams;
use crate::monitoring::ingest::refusal::clean_reason;
use crate::views::layout::{respond, respond_with};
use crate::web::PageCtx;

/// Query of the start page.
#[derive(Deserialize)]
pub struct StartQuery {
    refused: Option<String>,
}

/// `GET /bookings/{booking_id}/start`.
pub async fn start_page(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
    Path(booking_id): Path<String>,
    Query(q): Query<StartQuery>,
) -> AppResult<Response> {
    let page = load_page(&state, &user.id, &booking_id).await?;
    if let Some(attempt) = queries::get_by_booking(&state.db, &booking_id).await? {
        if attempt.status == AttemptStatus::InProgress {
            return Ok(Redirect::to(&format!("/attempts/{}", attempt.id)).into_response());
        }
        return Ok(respond(&ctx, &page.title, views_start::already_submitted(&ctx, &attempt.id)));
    }
    let body = match slot_window(now_ms(), page.starts_at, page.ends_at) {
        SlotWindow::Before { opens_in_ms } => views_start::not_yet(&ctx, page.starts_at, opens_in_ms),
        SlotWindow::Closed => views_start::expired(&ctx),
        SlotWindow::Open => views_start::consent(&ctx, &page, q.refused.is_some(), None),
    };
    Ok(respond(&ctx, &page.title, body))
}

/// What the start page shows about the exam.
pub struct StartPage {
    /// Booking.
    pub booking_id: String,
    /// Exam title.
    pub title: String,
    /// Duration.
    pub duration_minutes: i64,
    /// Number of questions.
    pub questions: usize,
    /// Slot start.
    pub starts_at: i64,
    /// Slot end.
    pub ends_at: i64,
    /// What monitoring sends and keeps (the consent text says it).
    pub privacy: Privacy,
}

async fn load_page(state: &AppState, student_id: &str, booking_id: &str) -> AppResult<StartPage> {
    if !is_id(booking_id) {
        return Err(AppError::NotFound);
    }
    let booking =
        crate::bookings::queries::booking_of(&state.db, booking_id, student_id).await?.ok_or(AppError::NotFound)?;
    if booking.status != "active" {
        return Err(AppError::NotFound);
    }
    let exam = exams::get_exam(&state.db, &booking.exam_id).await?.ok_or(AppError::NotFound)?;
    let questions = crate::exams::questions::queries::list_for_exam(&state.db, &exam.id).await?.len();
    Ok(StartPage {
        booking_id: booking.id,
        title: exam.title,
        duration_minutes: exam.duration_minutes,
        questions,
        starts_at: booking.starts_at,
        ends_at: booking.ends_at,
        privacy: Privacy::of(state.config.monitoring()),
    })
}

/// The start form.
#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    consent: String,
    #[serde(default)]
    webcam: String,
}

/// `POST /bookings/{booking_id}/start`: consent given and camera working → the attempt starts.
pub async fn start(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
    Path(booking_id): Path<String>,
    Form(form): Form<StartForm>,
) -> AppResult<Response> {
    let page = load_page(&state, &user.id, &booking_id).await?;
    if form.consent != "on" {
        let body = views_start::consent(&ctx, &page, false, Some(ctx.t("attempt.error.consent_required")));
        return Ok(respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &page.title, body));
    }
    match service::start(&state, &user.id, &booking_id, form.webcam == "granted").await? {
        Ok(attempt_id) => Ok(Redirect::to(&format!("/attempts/{attempt_id}")).into_response()),
        Err(StartRefusal::NotFound) => Err(AppError::NotFound),
        Err(StartRefusal::WebcamRequired) => {
            let body = views_start::consent(&ctx, &page, true, None);
            Ok(respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &page.title, body))
        }
        Err(refusal) => Err(AppError::Conflict(ctx.lang.t(refusal.message_key()).to_owned())),
    }
}

/// The refusal report sent by the page's script.
#[derive(Deserialize)]
pub struct RefusedForm {
    #[serde(default)]
    reason: String,
}

/// `POST /bookings/{booking_id}/webcam-refused`: recorded (an anomaly proctors are told about),
/// then back to the page with the reason; the start stays blocked.
pub async fn webcam_refused(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    Path(booking_id): Path<String>,
    Form(form): Form<RefusedForm>,
) -> AppResult<Redirect> {
    let reason = clean_reason(&form.reason);
    if !is_id(&booking_id) || !service::record_webcam_refusal(&state, &user.id, &booking_id, &reason).await? {
        return Err(AppError::NotFound);
    }
    tracing::warn!(booking_id = %booking_id, reason = %reason, "webcam refused before the exam");
    Ok(Redirect::to(&format!("/bookings/{booking_id}/start?refused=1")))
}
