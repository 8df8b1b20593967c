//! Reads of the bookings context: a student's bookings (with their attempt, for the derived
//! status) and the catalogue of bookable slots. Writes are in `service`, one transaction each.

use std::collections::HashSet;

use sqlx::FromRow;

use super::progress::Progress;
use super::status::{self, BookingStatus, Facts};
use crate::app::AppState;
use crate::db::Db;
use crate::exams::model::Slot;

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
    pub exam_title: String,
    /// Teacher.
    pub teacher_id: String,
    /// Teacher's display name (from the accounts).
    #[sqlx(default)]
    pub teacher_name: String,
    /// Exam duration in minutes.
    pub duration_minutes: i64,
    /// Slot start, UTC ms.
    pub starts_at: i64,
    /// Slot end, UTC ms.
    pub ends_at: i64,
    /// `active` or `cancelled`.
    pub status: String,
    /// Why it was cancelled, as stored.
    pub cancel_reason: Option<String>,
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

const STUDENT_BOOKING: &str = "SELECT b.id, b.exam_id, b.slot_id, e.title AS exam_title, e.teacher_id, \
     e.duration_minutes, s.starts_at, s.ends_at, b.status, b.cancel_reason \
     FROM bookings b JOIN exams e ON e.id = b.exam_id \
     JOIN exam_slots s ON s.id = b.slot_id";

/// Every booking of a student, in display order at `now` (current first).
pub async fn list_for_student(state: &AppState, student_id: &str, now: i64) -> sqlx::Result<Vec<StudentBooking>> {
    let db = &state.db;
    let sql = format!("{STUDENT_BOOKING} WHERE b.student_id = ? ORDER BY s.starts_at, b.created_at");
    let rows: Vec<StudentBooking> = sqlx::query_as(&sql).bind(student_id).fetch_all(db.pool()).await?;
    let mut rows = completed(state, rows).await?;
    rows.sort_by(|a, b| status::display_order((a.status_at(now), a.starts_at), (b.status_at(now), b.starts_at)));
    Ok(rows)
}

/// One booking of a student; `None` when it does not exist or belongs to someone else.
pub async fn get_for_student(
    state: &AppState,
    student_id: &str,
    booking_id: &str,
) -> sqlx::Result<Option<StudentBooking>> {
    let db = &state.db;
    let sql = format!("{STUDENT_BOOKING} WHERE b.id = ? AND b.student_id = ?");
    let row: Option<StudentBooking> =
        sqlx::query_as(&sql).bind(booking_id).bind(student_id).fetch_optional(db.pool()).await?;
    Ok(completed(state, row.into_iter().collect()).await?.pop())
}

/// Adds each booking's teacher name (the accounts own the names) and the status of its attempt
/// (the attempts own them).
async fn completed(state: &AppState, mut rows: Vec<StudentBooking>) -> sqlx::Result<Vec<StudentBooking>> {
    let teachers: Vec<&str> = rows.iter().map(|r| r.teacher_id.as_str()).collect();
    let names = crate::accounts::queries::names(&state.db, &teachers).await?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let Progress(progress) = state.part::<Progress>();
    let mut statuses = progress.statuses(&state.db, &ids).await?;
    for row in &mut rows {
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

#[derive(FromRow)]
struct CatalogueRow {
    exam_id: String,
    title: String,
    #[sqlx(try_from = "crate::db::DbText")]
    description: String,
    teacher_id: String,
    duration_minutes: i64,
    slot_id: String,
    starts_at: i64,
    ends_at: i64,
    capacity: i64,
    booked: i64,
}

/// Published exams with their slots starting after `now` (not removed), the exam with the
/// soonest slot first.
pub async fn catalogue(db: &Db, now: i64) -> sqlx::Result<Vec<CatalogueExam>> {
    let rows: Vec<CatalogueRow> = sqlx::query_as(
        "SELECT e.id AS exam_id, e.title, e.description, e.teacher_id, e.duration_minutes, \
         s.id AS slot_id, s.starts_at, s.ends_at, s.capacity, s.booked \
         FROM exams e JOIN exam_slots s ON s.exam_id = e.id \
         WHERE e.status = 'published' AND s.cancelled_at IS NULL AND s.starts_at > ? \
         ORDER BY s.starts_at, e.title, s.id",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let teachers: Vec<&str> = rows.iter().map(|r| r.teacher_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &teachers).await?;
    let mut exams: Vec<CatalogueExam> = Vec::new();
    for r in rows {
        let slot = Slot {
            id: r.slot_id,
            exam_id: r.exam_id.clone(),
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            capacity: r.capacity,
            booked: r.booked,
            cancelled_at: None,
        };
        match exams.iter_mut().find(|e| e.id == r.exam_id) {
            Some(exam) => exam.slots.push(slot),
            None => exams.push(CatalogueExam {
                id: r.exam_id,
                title: r.title,
                description: r.description,
                teacher_name: names.get(&r.teacher_id).map(|(name, _)| name.clone()).unwrap_or_default(),
                duration_minutes: r.duration_minutes,
                slots: vec![slot],
            }),
        }
    }
    Ok(exams)
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
    /// Slot start.
    pub starts_at: i64,
    /// Slot end.
    pub ends_at: i64,
}

/// A student's own booking with its slot times (None for someone else's).
pub async fn booking_of(db: &Db, booking_id: &str, student_id: &str) -> sqlx::Result<Option<BookingForAttempt>> {
    sqlx::query_as(
        "SELECT b.id, b.exam_id, b.student_id, b.status, s.starts_at, s.ends_at FROM bookings b \
         JOIN exam_slots s ON s.id = b.slot_id WHERE b.id = ? AND b.student_id = ?",
    )
    .bind(booking_id)
    .bind(student_id)
    .fetch_optional(db.pool())
    .await
}
