//! Reads of the bookings context: a student's bookings (with their attempt, for the derived
//! status) and the catalogue of bookable slots. Writes are in `service`, one transaction each.

use std::collections::HashSet;

use sqlx::FromRow;

use super::progress::Progress;
use super::status::{self, BookingStatus, Facts};
use crate::app::AppState;
use crate::db::Db;
use crate::exams::model::Slot;
use crate::exams::queries as exams;

/// One of a student's bookings with what the student needs to see about it.
#[derive(Clone, Debug, FromRow)]
pub struct StudentBooking {
    /// Booking id.
    pub id: String,
    /// Exam.
    pub exam_id: String,
    /// Slot.
    pub slot_id: String,
    /// Exam title (plain text).
    #[sqlx(default)]
    pub exam_title: String,
    /// Teacher.
    #[sqlx(default)]
    pub teacher_id: String,
    /// Teacher's display name (from the accounts).
    #[sqlx(default)]
    pub teacher_name: String,
    /// Exam duration in minutes.
    #[sqlx(default)]
    pub duration_minutes: i64,
    /// Slot start, UTC ms.
    #[sqlx(default)]
    pub starts_at: i64,
    /// Slot end, UTC ms.
    #[sqlx(default)]
    pub ends_at: i64,
    /// `active` or `cancelled`.
    pub status: String,
    /// Why it was cancelled, as stored.
    pub cancel_reason: Option<String>,
    /// The message of the admin who cancelled it.
    pub cancel_note: Option<String>,
    /// Status of its attempt, if one was started (from the attempts).
    #[sqlx(default)]
    pub attempt_status: Option<String>,
}

impl StudentBooking {
    /// The status at `now`.
    pub fn status_at(&self, now: i64) -> BookingStatus {
        status::derive(
            now,
            &Facts {
                active: self.status == "active",
                cancel_reason: self.cancel_reason.as_deref(),
                attempt_status: self.attempt_status.as_deref(),
                starts_at: self.starts_at,
                ends_at: self.ends_at,
            },
        )
    }
}

const STUDENT_BOOKING: &str = "SELECT id, exam_id, slot_id, status, cancel_reason, cancel_note FROM bookings";

/// Every booking of a student, in display order at `now` (current first).
pub async fn list_for_student(state: &AppState, student_id: &str, now: i64) -> sqlx::Result<Vec<StudentBooking>> {
    let db = &state.db;
    let sql = format!("{STUDENT_BOOKING} WHERE student_id = ? ORDER BY created_at, id");
    let rows: Vec<StudentBooking> = sqlx::query_as(&sql).bind(student_id).fetch_all(db.pool()).await?;
    let mut rows = completed(state, rows).await?;
    rows.sort_by_key(|r| r.starts_at);
    rows.sort_by(|a, b| status::display_order((a.status_at(now), a.starts_at), (b.status_at(now), b.starts_at)));
    Ok(rows)
}

/// What the admin who cancelled a booking wrote to its student, on the caller's connection.
pub async fn cancel_note_on(conn: &mut sqlx::AnyConnection, booking_id: &str) -> sqlx::Result<Option<String>> {
    let note: Option<Option<String>> = sqlx::query_scalar("SELECT cancel_note FROM bookings WHERE id = ?")
        .bind(booking_id)
        .fetch_optional(conn)
        .await?;
    Ok(note.flatten())
}

/// One booking of a student; `None` when it does not exist or belongs to someone else.
pub async fn get_for_student(
    state: &AppState,
    student_id: &str,
    booking_id: &str,
) -> sqlx::Result<Option<StudentBooking>> {
    let db = &state.db;
    let sql = format!("{STUDENT_BOOKING} WHERE id = ? AND student_id = ?");
    let row: Option<StudentBooking> =
        sqlx::query_as(&sql).bind(booking_id).bind(student_id).fetch_optional(db.pool()).await?;
    Ok(completed(state, row.into_iter().collect()).await?.pop())
}

/// Adds each booking's exam and slot (the exams own them), teacher name (the accounts own the
/// names) and the status of its attempt (the attempts own them).
pub(super) async fn completed(state: &AppState, mut rows: Vec<StudentBooking>) -> sqlx::Result<Vec<StudentBooking>> {
    let db = &state.db;
    let exam_ids: Vec<&str> = rows.iter().map(|r| r.exam_id.as_str()).collect();
    let exams = exams::get_many(db, &exam_ids).await?;
    let slot_ids: Vec<&str> = rows.iter().map(|r| r.slot_id.as_str()).collect();
    let slots = exams::slots(db, &slot_ids).await?;
    let teachers: Vec<&str> = exams.values().map(|e| e.teacher_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &teachers).await?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let Progress(progress) = state.part::<Progress>();
    let mut statuses = progress.statuses(db, &ids).await?;
    rows.retain(|r| exams.contains_key(&r.exam_id) && slots.contains_key(&r.slot_id));
    for row in &mut rows {
        let (exam, slot) = (&exams[&row.exam_id], &slots[&row.slot_id]);
        row.exam_title.clone_from(&exam.title);
        row.teacher_id.clone_from(&exam.teacher_id);
        row.duration_minutes = exam.duration_minutes;
        (row.starts_at, row.ends_at) = (slot.starts_at, slot.ends_at);
        row.teacher_name = names.get(&row.teacher_id).map(|(name, _)| name.clone()).unwrap_or_default();
        row.attempt_status = statuses.remove(&row.id);
    }
    Ok(rows)
}

/// A published exam with its bookable slots.
#[derive(Clone, Debug)]
pub struct CatalogueExam {
    /// Exam id.
    pub id: String,
    /// Title (plain text).
    pub title: String,
    /// Description (plain text).
    pub description: String,
    /// Teacher's display name.
    pub teacher_name: String,
    /// Duration in minutes.
    pub duration_minutes: i64,
    /// Slots still to come and not removed, soonest first.
    pub slots: Vec<Slot>,
}

/// Published exams with their slots starting after `now` (not removed), the exam with the
/// soonest slot first.
pub async fn catalogue(db: &Db, now: i64) -> sqlx::Result<Vec<CatalogueExam>> {
    let (slots, exams) = exams::bookable(db, now).await?;
    let teachers: Vec<&str> = exams.values().map(|e| e.teacher_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &teachers).await?;
    let mut catalogue: Vec<CatalogueExam> = Vec::new();
    for slot in slots {
        match catalogue.iter_mut().find(|e| e.id == slot.exam_id) {
            Some(exam) => exam.slots.push(slot),
            None => {
                let Some(exam) = exams.get(&slot.exam_id) else { continue };
                catalogue.push(CatalogueExam {
                    id: exam.id.clone(),
                    title: exam.title.clone(),
                    description: exam.description.clone(),
                    teacher_name: names.get(&exam.teacher_id).map(|(name, _)| name.clone()).unwrap_or_default(),
                    duration_minutes: exam.duration_minutes,
                    slots: vec![slot],
                });
            }
        }
    }
    Ok(catalogue)
}

/// What a student has booked (active bookings), to mark it in the catalogue.
#[derive(Clone, Debug, Default)]
pub struct ActiveBookings {
    /// Slots booked.
    pub slots: HashSet<String>,
    /// Exams booked.
    pub exams: HashSet<String>,
}

/// The student's active bookings.
pub async fn active_for_student(db: &Db, student_id: &str) -> sqlx::Result<ActiveBookings> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT slot_id, exam_id FROM bookings WHERE student_id = ? AND status = 'active'")
            .bind(student_id)
            .fetch_all(db.pool())
            .await?;
    let mut active = ActiveBookings::default();
    for (slot, exam) in rows {
        active.slots.insert(slot);
        active.exams.insert(exam);
    }
    Ok(active)
}

/// A booking with its slot times, as the attempt pages need it.
#[derive(Clone, Debug, FromRow)]
pub struct BookingForAttempt {
    /// Booking id.
    pub id: String,
    /// Exam.
    pub exam_id: String,
    /// Student.
    pub student_id: String,
    /// `active` or `cancelled`.
    pub status: String,
    /// Slot.
    pub slot_id: String,
    /// Slot start.
    #[sqlx(default)]
    pub starts_at: i64,
    /// Slot end.
    #[sqlx(default)]
    pub ends_at: i64,
}

/// A student's own booking with its slot times (None for someone else's).
pub async fn booking_of(db: &Db, booking_id: &str, student_id: &str) -> sqlx::Result<Option<BookingForAttempt>> {
    let row: Option<BookingForAttempt> =
        sqlx::query_as("SELECT id, exam_id, student_id, status, slot_id FROM bookings WHERE id = ? AND student_id = ?")
            .bind(booking_id)
            .bind(student_id)
            .fetch_optional(db.pool())
            .await?;
    let Some(mut booking) = row else { return Ok(None) };
    let Some(slot) = exams::get_slot(db, &booking.slot_id).await? else { return Ok(None) };
    (booking.starts_at, booking.ends_at) = (slot.starts_at, slot.ends_at);
    Ok(Some(booking))
}
