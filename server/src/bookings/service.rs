//! Booking rules, enforced in one transaction each: a seat must be free (taken atomically, so 50
//! simultaneous requests for 10 seats give exactly 10 bookings), one active booking per exam per
//! student, no two overlapping bookings, booking only for future slots of published exams.
//! Every booking and cancellation writes its outbox event in the same transaction.

use sqlx::AnyConnection;

use crate::db::{Db, is_unique_violation, new_id, now_ms};
use crate::events::payloads::{ExamCancelled, ExamScheduled};
use crate::events::record;
use crate::exams::queries as exams;

/// Why a booking was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BookingRefusal {
    /// The slot does not exist, was removed, or its exam is not published.
    Unavailable,
    /// The slot has started or is over.
    TooLate,
    /// No seat left.
    Full,
    /// The student already has an active booking for this exam.
    AlreadyBooked,
    /// The student has another booking at the same time.
    Overlap,
}

impl BookingRefusal {
    /// i18n key of the message.
    pub fn message_key(&self) -> &'static str {
        match self {
            BookingRefusal::Unavailable => "booking.error.unavailable",
            BookingRefusal::TooLate => "booking.error.too_late",
            BookingRefusal::Full => "booking.error.full",
            BookingRefusal::AlreadyBooked => "booking.error.already_booked",
            BookingRefusal::Overlap => "booking.error.overlap",
        }
    }
}

/// Books `slot_id` for `student_id`; returns the booking id or why not.
pub async fn book(db: &Db, student_id: &str, slot_id: &str) -> sqlx::Result<Result<String, BookingRefusal>> {
    // A lost deadlock rolled the whole booking back (seat included): it is taken again from the
    // start. A class booking one slot at once writes its seat count together: more attempts.
    crate::db::retry::retry_hot("book", || book_once(db, student_id, slot_id)).await
}

async fn book_once(db: &Db, student_id: &str, slot_id: &str) -> sqlx::Result<Result<String, BookingRefusal>> {
    let Some(slot) = exams::get_slot(db, slot_id).await? else { return Ok(Err(BookingRefusal::Unavailable)) };
    let Some(exam) = exams::get_exam(db, &slot.exam_id).await? else { return Ok(Err(BookingRefusal::Unavailable)) };
    if slot.cancelled_at.is_some() || exam.status != crate::exams::model::ExamStatus::Published {
        return Ok(Err(BookingRefusal::Unavailable));
    }
    if slot.starts_at <= now_ms() {
        return Ok(Err(BookingRefusal::TooLate));
    }
    let mut tx = db.pool().begin().await?;
    crate::accounts::queries::lock_on(&mut tx, student_id).await?;
    let already: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE exam_id = ? AND student_id = ? AND status = 'active'")
            .bind(&exam.id)
            .bind(student_id)
            .fetch_one(&mut *tx)
            .await?;
    if already > 0 {
        return Ok(Err(BookingRefusal::AlreadyBooked));
    }
    let booked: Vec<String> =
        sqlx::query_scalar("SELECT slot_id FROM bookings WHERE student_id = ? AND status = 'active'")
            .bind(student_id)
            .fetch_all(&mut *tx)
            .await?;
    let booked: Vec<&str> = booked.iter().map(String::as_str).collect();
    let overlapping = exams::slots_on(&mut tx, &booked)
        .await?
        .values()
        .any(|s| s.starts_at < slot.ends_at && s.ends_at > slot.starts_at);
    if overlapping {
        return Ok(Err(BookingRefusal::Overlap));
    }
    if !exams::take_seat(&mut tx, slot_id).await? {
        return Ok(Err(BookingRefusal::Full));
    }
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO bookings (id, exam_id, slot_id, student_id, status, active_key, created_at) VALUES (?, ?, ?, ?, 'active', ?, ?)",
    )
    .bind(&id)
    .bind(&exam.id)
    .bind(slot_id)
    .bind(student_id)
    .bind(format!("{}:{student_id}", exam.id))
    .bind(now_ms())
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(Err(BookingRefusal::AlreadyBooked)),
        Err(e) => return Err(e),
    }
    let payload = ExamScheduled {
        booking_id: id.clone(),
        exam_id: exam.id.clone(),
        exam_title: exam.title.clone(),
        slot_id: slot_id.to_owned(),
        student_id: student_id.to_owned(),
        teacher_id: exam.teacher_id.clone(),
        starts_at: slot.starts_at,
        ends_at: slot.ends_at,
    };
    record(&mut tx, &id, payload).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// An active booking as cancellation needs it.
#[derive(sqlx::FromRow)]
struct ActiveBooking {
    id: String,
    exam_id: String,
    slot_id: String,
    student_id: String,
    /// The exam's teacher (from the exams).
    #[sqlx(default)]
    teacher_id: String,
}

/// The active bookings `filter` selects (`b` is the bookings table), each with its exam's
/// teacher, on the caller's transaction.
async fn active(conn: &mut AnyConnection, filter: &str, binds: &[&str]) -> sqlx::Result<Vec<ActiveBooking>> {
    let sql = format!(
        "SELECT b.id, b.exam_id, b.slot_id, b.student_id FROM bookings b WHERE b.status = 'active' AND {filter} ORDER BY b.id"
    );
    let mut query = sqlx::query_as::<_, ActiveBooking>(&sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    let mut rows = query.fetch_all(&mut *conn).await?;
    let mut teachers: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for row in &mut rows {
        if !teachers.contains_key(&row.exam_id) {
            let exam = exams::get_exam_on(&mut *conn, &row.exam_id).await?;
            teachers.insert(row.exam_id.clone(), exam.map(|e| e.teacher_id).unwrap_or_default());
        }
        row.teacher_id.clone_from(&teachers[&row.exam_id]);
    }
    Ok(rows)
}

/// Who cancels, why (a stored code) and what they wrote to the student (admins only).
struct Cancellation<'a> {
    reason: &'a str,
    by: &'a str,
    note: &'a str,
}

async fn cancel_on(conn: &mut AnyConnection, b: &ActiveBooking, how: &Cancellation<'_>) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE bookings SET status = 'cancelled', active_key = NULL, cancelled_at = ?, cancel_reason = ?, \
         cancelled_by = ?, cancel_note = ? WHERE id = ? AND status = 'active'",
    )
    .bind(now_ms())
    .bind(how.reason)
    .bind(how.by)
    .bind((!how.note.is_empty()).then_some(how.note))
    .bind(&b.id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    exams::release_seat(conn, &b.slot_id).await?;
    let payload = ExamCancelled {
        booking_id: b.id.clone(),
        exam_id: b.exam_id.clone(),
        slot_id: b.slot_id.clone(),
        student_id: b.student_id.clone(),
        teacher_id: b.teacher_id.clone(),
        reason: how.reason.to_owned(),
        cancelled_by: how.by.to_owned(),
    };
    record(conn, &b.id, payload).await?;
    Ok(true)
}

/// Why a student's cancellation was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum CancelRefusal {
    /// No such active booking of this student.
    NotFound,
    /// The slot has started: the exam can no longer be cancelled.
    Started,
}

/// Cancels a student's own booking before its slot starts.
pub async fn cancel_by_student(db: &Db, student_id: &str, booking_id: &str) -> sqlx::Result<Result<(), CancelRefusal>> {
    crate::db::retry("cancel booking", || cancel_once(db, student_id, booking_id)).await
}

async fn cancel_once(db: &Db, student_id: &str, booking_id: &str) -> sqlx::Result<Result<(), CancelRefusal>> {
    let mut conn = db.pool().acquire().await?;
    let found = active(&mut conn, "b.id = ? AND b.student_id = ?", &[booking_id, student_id]).await?;
    drop(conn);
    let Some(b) = found.into_iter().next() else { return Ok(Err(CancelRefusal::NotFound)) };
    let Some(slot) = exams::get_slot(db, &b.slot_id).await? else { return Ok(Err(CancelRefusal::NotFound)) };
    if slot.starts_at <= now_ms() {
        return Ok(Err(CancelRefusal::Started));
    }
    let mut tx = db.pool().begin().await?;
    let how = Cancellation { reason: "cancelled_by_student", by: student_id, note: "" };
    let cancelled = cancel_on(&mut tx, &b, &how).await?;
    tx.commit().await?;
    Ok(if cancelled { Ok(()) } else { Err(CancelRefusal::NotFound) })
}

/// Why an admin's cancellation was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminCancelRefusal {
    /// No such active booking.
    NotFound,
    /// The slot is over.
    Over,
}

/// Cancels any student's active booking before its slot ends, with a message the student is
/// sent (`note`, checked by the caller, who also refuses a booking whose exam was started).
pub async fn cancel_by_admin(
    db: &Db,
    admin_id: &str,
    booking_id: &str,
    note: &str,
) -> sqlx::Result<Result<(), AdminCancelRefusal>> {
    crate::db::retry("cancel booking (admin)", || cancel_by_admin_once(db, admin_id, booking_id, note)).await
}

async fn cancel_by_admin_once(
    db: &Db,
    admin_id: &str,
    booking_id: &str,
    note: &str,
) -> sqlx::Result<Result<(), AdminCancelRefusal>> {
    let mut tx = db.pool().begin().await?;
    let found = active(&mut tx, "b.id = ?", &[booking_id]).await?;
    let Some(b) = found.into_iter().next() else { return Ok(Err(AdminCancelRefusal::NotFound)) };
    let Some(slot) = exams::slots_on(&mut tx, &[b.slot_id.as_str()]).await?.remove(&b.slot_id) else {
        return Ok(Err(AdminCancelRefusal::NotFound));
    };
    if slot.ends_at <= now_ms() {
        return Ok(Err(AdminCancelRefusal::Over));
    }
    let how = Cancellation { reason: "cancelled_by_admin", by: admin_id, note };
    let cancelled = cancel_on(&mut tx, &b, &how).await?;
    tx.commit().await?;
    Ok(if cancelled { Ok(()) } else { Err(AdminCancelRefusal::NotFound) })
}

/// Number of active bookings on a slot.
pub async fn count_active_on_slot(db: &Db, slot_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE slot_id = ? AND status = 'active'")
        .bind(slot_id)
        .fetch_one(db.pool())
        .await
}

/// Removes a slot and cancels its active bookings (each with its `exam_cancelled` event, which
/// notifies the student), all in one transaction; returns how many bookings were cancelled.
pub async fn remove_slot(db: &Db, slot_id: &str, by: &str) -> sqlx::Result<usize> {
    let mut tx = db.pool().begin().await?;
    let mut n = 0;
    for b in &active(&mut tx, "b.slot_id = ?", &[slot_id]).await? {
        if cancel_on(&mut tx, b, &Cancellation { reason: "slot_removed", by, note: "" }).await? {
            n += 1;
        }
    }
    exams::cancel_slot(&mut tx, slot_id).await?;
    tx.commit().await?;
    Ok(n)
}

/// Cancels every active booking of an exam (when it is deleted or unpublished), one transaction.
pub async fn cancel_all_for_exam(db: &Db, exam_id: &str, reason: &str, by: &str) -> sqlx::Result<usize> {
    let mut tx = db.pool().begin().await?;
    let mut n = 0;
    for b in &active(&mut tx, "b.exam_id = ?", &[exam_id]).await? {
        if cancel_on(&mut tx, b, &Cancellation { reason, by, note: "" }).await? {
            n += 1;
        }
    }
    tx.commit().await?;
    Ok(n)
}
