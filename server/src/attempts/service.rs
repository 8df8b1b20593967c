//! Starting an attempt and saving answers: every rule decided on the server.

use super::model::{Attempt, AttemptStatus, SubmitReason};
use super::queries::{self, NewAttempt};
use super::rules::{SlotWindow, accepts_answers, deadline, extra_minutes, slot_window};
use super::shuffle;
use super::submit;
use crate::app::AppState;
use crate::db::{Db, is_unique_violation, now_ms};
use crate::exams::accommodations::queries as accommodation_queries;
use crate::exams::queries as exams;
use crate::exams::questions::Response;
use crate::exams::questions::queries as question_queries;
use crate::monitoring::Watched;
use crate::monitoring::ingest::refusal::Refused;

/// Why an attempt could not start.
#[derive(Debug, PartialEq, Eq)]
pub enum StartRefusal {
    /// Not the student's booking, or cancelled.
    NotFound,
    /// The slot is not open yet.
    TooEarly { opens_in_ms: i64 },
    /// The slot is over.
    Expired,
    /// The exam has no question (the teacher must fix it).
    NoQuestions,
    /// The webcam check did not pass.
    WebcamRequired,
    /// Already submitted: no retake.
    AlreadySubmitted,
}

impl StartRefusal {
    /// i18n key of the message.
    pub fn message_key(&self) -> &'static str {
        match self {
            StartRefusal::NotFound => "error.not_found",
            StartRefusal::TooEarly { .. } => "attempt.error.too_early",
            StartRefusal::Expired => "attempt.error.expired",
            StartRefusal::NoQuestions => "attempt.error.no_questions",
            StartRefusal::WebcamRequired => "attempt.error.webcam_required",
            StartRefusal::AlreadySubmitted => "attempt.error.already_submitted",
        }
    }
}

/// Starts (or resumes) the attempt of a student's booking. `webcam_ok` is the browser's report
/// that the camera works; a refusal is recorded separately by [`record_webcam_refusal`]. A lost
/// deadlock (a whole class starting at once; on Galera a certification conflict) runs it again:
/// each run first resumes an attempt that exists.
pub async fn start(
    state: &AppState,
    student_id: &str,
    booking_id: &str,
    webcam_ok: bool,
) -> sqlx::Result<Result<String, StartRefusal>> {
    crate::db::retry("start attempt", || start_once(state, student_id, booking_id, webcam_ok)).await
}

async fn start_once(
    state: &AppState,
    student_id: &str,
    booking_id: &str,
    webcam_ok: bool,
) -> sqlx::Result<Result<String, StartRefusal>> {
    let db = &state.db;
    let Some(booking) = crate::bookings::queries::booking_of(db, booking_id, student_id).await? else {
        return Ok(Err(StartRefusal::NotFound));
    };
    if let Some(existing) = queries::get_by_booking(db, booking_id).await? {
        return Ok(match existing.status {
            AttemptStatus::Submitted => Err(StartRefusal::AlreadySubmitted),
            AttemptStatus::InProgress => Ok(existing.id),
        });
    }
    if booking.status != "active" {
        return Ok(Err(StartRefusal::NotFound));
    }
    let now = now_ms();
    match slot_window(now, booking.starts_at, booking.ends_at) {
        SlotWindow::Before { opens_in_ms } => return Ok(Err(StartRefusal::TooEarly { opens_in_ms })),
        SlotWindow::Closed => return Ok(Err(StartRefusal::Expired)),
        SlotWindow::Open => {}
    }
    if !webcam_ok {
        return Ok(Err(StartRefusal::WebcamRequired));
    }
    let Some(exam) = exams::get_exam(db, &booking.exam_id).await? else { return Ok(Err(StartRefusal::NotFound)) };
    let questions = question_queries::list_for_exam(db, &exam.id).await?;
    if questions.is_empty() {
        return Ok(Err(StartRefusal::NoQuestions));
    }
    let acc = accommodation_queries::get_accommodation(db, &exam.id, student_id).await?;
    let extra = acc.map_or(0, |a| extra_minutes(exam.duration_minutes, a.extra_minutes, a.extra_percent));
    let hex: String = booking_id.chars().filter(char::is_ascii_hexdigit).take(16).collect();
    let seed = u64::from_str_radix(&hex, 16).unwrap_or(0);
    let (order, options) = shuffle::draw(&questions, exam.shuffle_questions, exam.shuffle_options, seed);
    let new = NewAttempt {
        booking_id,
        exam_id: &exam.id,
        student_id,
        started_at: now,
        deadline_at: deadline(now, exam.duration_minutes, extra, booking.ends_at),
        question_order: &order,
        option_orders: &options,
        max_score: questions.iter().map(|q| q.points.0).sum(),
    };
    // The attempt and its monitoring session start together (one transaction).
    let mut tx = db.pool().begin().await?;
    let inserted = match queries::insert(&mut tx, &new).await {
        Ok(id) => match crate::monitoring::start_in(
            &mut tx,
            &Watched { attempt_id: &id, exam_id: &exam.id, student_id, deadline_at: new.deadline_at },
        )
        .await
        {
            Ok(_) => crate::monitoring::ingest::refusal::adopt(&mut tx, booking_id, &id).await.map(|()| id),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let inserted = match inserted {
        Ok(id) => tx.commit().await.map(|()| id),
        Err(e) => Err(e),
    };
    match inserted {
        Ok(id) => {
            state.live.panels.notify();
            Ok(Ok(id))
        }
        // Two tabs started at once: the other one won, resume it.
        Err(e) if is_unique_violation(&e) => match queries::get_by_booking(db, booking_id).await? {
            Some(a) => Ok(Ok(a.id)),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Records that the webcam was refused or failed on the consent page: kept with the booking's
/// events, and a critical `webcam_disabled` anomaly for proctors (one per booking, later
/// refusals counted in it). `reason` must already be cleaned
/// ([`crate::monitoring::ingest::refusal::clean_reason`]). Returns false when the booking is not the
/// student's.
pub async fn record_webcam_refusal(
    state: &AppState,
    student_id: &str,
    booking_id: &str,
    reason: &str,
) -> sqlx::Result<bool> {
    let db = &state.db;
    let Some(booking) = crate::bookings::queries::booking_of(db, booking_id, student_id).await? else {
        return Ok(false);
    };
    queries::record_event(db, booking_id, "webcam_disabled", reason).await?;
    // Only the consent page of a booking not started yet refuses before the start (once started,
    // the exam page reports a lost camera to the attempt's own session).
    if booking.status != "active" || queries::get_by_booking(db, booking_id).await?.is_some() {
        return Ok(true);
    }
    let refused = Refused { booking_id, exam_id: &booking.exam_id, student_id, reason };
    crate::monitoring::ingest::refusal::record(state, &refused).await?;
    Ok(true)
}

/// The student's own attempt, submitted first if its deadline has passed (the server decides,
/// whether or not the background worker has already run).
pub async fn load_for_student(state: &AppState, student_id: &str, attempt_id: &str) -> sqlx::Result<Option<Attempt>> {
    let db = &state.db;
    let Some(attempt) = queries::get(db, attempt_id).await? else { return Ok(None) };
    if attempt.student_id != student_id {
        return Ok(None);
    }
    if attempt.status == AttemptStatus::InProgress && !accepts_answers(now_ms(), attempt.deadline_at) {
        submit::submit(state, &attempt.id, SubmitReason::Deadline).await?;
        return queries::get(db, attempt_id).await;
    }
    Ok(Some(attempt))
}

/// Why an answer was not saved.
#[derive(Debug, PartialEq, Eq)]
pub enum SaveRefusal {
    /// The question is not part of this attempt.
    UnknownQuestion,
    /// Submitted or past the deadline.
    Closed,
}

/// Saves one answer of an in-progress attempt.
pub async fn save_answer(
    db: &Db,
    attempt: &Attempt,
    question_id: &str,
    response: &Response,
) -> sqlx::Result<Result<(), SaveRefusal>> {
    if !attempt.question_order.iter().any(|q| q == question_id) {
        return Ok(Err(SaveRefusal::UnknownQuestion));
    }
    if queries::save_response(db, &attempt.id, question_id, response).await? {
        Ok(Ok(()))
    } else {
        Ok(Err(SaveRefusal::Closed))
    }
}
