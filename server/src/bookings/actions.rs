//! The booking service's answers as HTTP outcomes shared by pages and the API: every refusal
//! becomes a 409 (or 404 for someone else's booking) with a message in the caller's language.

use super::forms::SlotId;
use super::queries;
use super::service::{self, CancelRefusal};
use crate::app::AppState;
use crate::db::{Db, is_id};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

/// Books `slot` for `student_id`; returns the new booking's id.
pub async fn book(db: &Db, student_id: &str, slot: &SlotId, lang: Lang) -> AppResult<String> {
    match service::book(db, student_id, slot.as_str()).await? {
        Ok(id) => {
            tracing::info!(%student_id, booking_id = %id, slot_id = slot.as_str(), "slot booked");
            Ok(id)
        }
        Err(refusal) => {
            tracing::info!(%student_id, slot_id = slot.as_str(), ?refusal, "booking refused");
            Err(AppError::Conflict(lang.t(refusal.message_key()).to_owned()))
        }
    }
}

/// Cancels the student's own booking before its slot starts. Someone else's (or no) booking is
/// a 404; an already cancelled one or a started slot is a 409.
pub async fn cancel(state: &AppState, student_id: &str, booking_id: &str, lang: Lang) -> AppResult<()> {
    let db = &state.db;
    if !is_id(booking_id) {
        return Err(AppError::NotFound);
    }
    let booking = queries::get_for_student(state, student_id, booking_id).await?.ok_or(AppError::NotFound)?;
    let already_cancelled = || AppError::Conflict(lang.t("booking.error.already_cancelled").to_owned());
    if booking.status != "active" {
        return Err(already_cancelled());
    }
    match service::cancel_by_student(db, student_id, booking_id).await? {
        Ok(()) => {
            tracing::info!(%student_id, %booking_id, "booking cancelled by the student");
            Ok(())
        }
        Err(CancelRefusal::Started) => Err(AppError::Conflict(lang.t("booking.error.cancel_started").to_owned())),
        // It was ours and active a moment ago: a concurrent cancellation won.
        Err(CancelRefusal::NotFound) => Err(already_cancelled()),
    }
}
