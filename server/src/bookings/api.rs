//! JSON API of the student's bookings (bearer token, students only).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;

use super::forms::BookForm;
use super::queries::{self, StudentBooking};
use super::{actions, status};
use crate::accounts::extract::{Authed, StudentOnly};
use crate::api::ApiJson;
use crate::app::AppState;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

/// A booking as the API shows it.
#[derive(Debug, Serialize)]
pub struct BookingJson {
    id: String,
    exam_id: String,
    exam_title: String,
    teacher_name: String,
    slot_id: String,
    /// RFC 3339, UTC.
    starts_at: String,
    /// RFC 3339, UTC.
    ends_at: String,
    duration_minutes: i64,
    /// scheduled, open, in_progress, completed, cancelled, missed.
    status: &'static str,
    /// by_student, slot_removed, by_admin, exam_withdrawn (cancelled bookings only).
    cancel_reason: Option<&'static str>,
    /// What the admin who cancelled it wrote to the student.
    cancel_note: Option<String>,
    can_cancel: bool,
    can_start: bool,
    /// Page where the exam is taken, while it can be.
    start_url: Option<String>,
}

impl BookingJson {
    fn new(b: &StudentBooking, now: i64) -> Self {
        let st = b.status_at(now);
        Self {
            id: b.id.clone(),
            exam_id: b.exam_id.clone(),
            exam_title: b.exam_title.clone(),
            teacher_name: b.teacher_name.clone(),
            slot_id: b.slot_id.clone(),
            starts_at: rfc3339(b.starts_at),
            ends_at: rfc3339(b.ends_at),
            duration_minutes: b.duration_minutes,
            status: st.as_str(),
            cancel_reason: match st {
                status::BookingStatus::Cancelled(reason) => Some(reason.as_str()),
                _ => None,
            },
            cancel_note: b.cancel_note.clone(),
            can_cancel: st.can_cancel(),
            can_start: st.can_start(),
            start_url: st.can_start().then(|| format!("/bookings/{}/start", b.id)),
        }
    }
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Answer of `GET /api/v1/bookings`.
#[derive(Debug, Serialize)]
pub struct BookingsJson {
    bookings: Vec<BookingJson>,
}

/// `GET /api/v1/bookings`: the caller's bookings, current first.
pub async fn list(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
) -> AppResult<Json<BookingsJson>> {
    let now = now_ms();
    let rows = queries::list_for_student(&state, &user.id, now).await?;
    Ok(Json(BookingsJson { bookings: rows.iter().map(|b| BookingJson::new(b, now)).collect() }))
}

async fn one(state: &AppState, student_id: &str, booking_id: &str) -> AppResult<BookingJson> {
    let b = queries::get_for_student(state, student_id, booking_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("booking {booking_id} vanished")))?;
    Ok(BookingJson::new(&b, now_ms()))
}

/// `POST /api/v1/bookings` `{"slot_id": "…"}`: 201 with the booking, 409 with the reason.
pub async fn create(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    lang: Lang,
    ApiJson(form): ApiJson<BookForm>,
) -> AppResult<(StatusCode, Json<BookingJson>)> {
    let slot = form.validate().map_err(|key| AppError::Invalid(lang.t(key).to_owned()))?;
    let id = actions::book(&state.db, &user.id, &slot, lang).await?;
    Ok((StatusCode::CREATED, Json(one(&state, &user.id, &id).await?)))
}

/// `POST /api/v1/bookings/{booking_id}/cancel`: the cancelled booking; 409 once the slot started.
pub async fn cancel(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    lang: Lang,
    Path(booking_id): Path<String>,
) -> AppResult<Json<BookingJson>> {
    actions::cancel(&state, &user.id, &booking_id, lang).await?;
    Ok(Json(one(&state, &user.id, &booking_id).await?))
}
