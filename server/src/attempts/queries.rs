//! SQL of attempts and answers.

use std::collections::HashMap;

use sqlx::{AnyConnection, FromRow};

use super::model::{Attempt, AttemptStatus};
use crate::db::{Db, DbText, new_id, now_ms};
use crate::exams::questions::Response;

#[derive(FromRow)]
struct AttemptRow {
    id: String,
    booking_id: String,
    exam_id: String,
    student_id: String,
    status: String,
    started_at: i64,
    deadline_at: i64,
    submitted_at: Option<i64>,
    #[sqlx(try_from = "DbText")]
    question_order: String,
    #[sqlx(try_from = "DbText")]
    option_orders: String,
    grading_status: String,
    score_hundredths: Option<i64>,
    max_score_hundredths: i64,
    passed: Option<i64>,
}

impl From<AttemptRow> for Attempt {
    fn from(r: AttemptRow) -> Self {
        Attempt {
            id: r.id,
            booking_id: r.booking_id,
            exam_id: r.exam_id,
            student_id: r.student_id,
            status: AttemptStatus::parse(&r.status),
            started_at: r.started_at,
            deadline_at: r.deadline_at,
            submitted_at: r.submitted_at,
            question_order: serde_json::from_str(&r.question_order).unwrap_or_default(),
            option_orders: serde_json::from_str(&r.option_orders).unwrap_or_default(),
            graded: r.grading_status == "graded",
            score: r.score_hundredths,
            max_score: r.max_score_hundredths,
            passed: r.passed.map(|p| p != 0),
        }
    }
}

const COLUMNS: &str = "id, booking_id, exam_id, student_id, status, started_at, deadline_at, submitted_at, \
     question_order, option_orders, grading_status, score_hundredths, max_score_hundredths, passed";

/// An attempt by id.
pub async fn get(db: &Db, attempt_id: &str) -> sqlx::Result<Option<Attempt>> {
    let sql = format!("SELECT {COLUMNS} FROM attempts WHERE id = ?");
    let row: Option<AttemptRow> = sqlx::query_as(&sql).bind(attempt_id).fetch_optional(db.pool()).await?;
    Ok(row.map(Attempt::from))
}

/// The attempt of a booking, if started.
pub async fn get_by_booking(db: &Db, booking_id: &str) -> sqlx::Result<Option<Attempt>> {
    let sql = format!("SELECT {COLUMNS} FROM attempts WHERE booking_id = ?");
    let row: Option<AttemptRow> = sqlx::query_as(&sql).bind(booking_id).fetch_optional(db.pool()).await?;
    Ok(row.map(Attempt::from))
}

/// A new attempt to insert.
pub struct NewAttempt<'a> {
    /// Booking.
    pub booking_id: &'a str,
    /// Exam.
    pub exam_id: &'a str,
    /// Student.
    pub student_id: &'a str,
    /// Start.
    pub started_at: i64,
    /// Deadline.
    pub deadline_at: i64,
    /// Question order.
    pub question_order: &'a [String],
    /// Option orders.
    pub option_orders: &'a HashMap<String, Vec<usize>>,
    /// Maximum score.
    pub max_score: i64,
}

/// Inserts an attempt on the caller's transaction; a second one for the same booking is a
/// unique violation.
pub async fn insert(conn: &mut AnyConnection, a: &NewAttempt<'_>) -> sqlx::Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, question_order, \
         option_orders, grading_status, max_score_hundredths) VALUES (?, ?, ?, ?, 'in_progress', ?, ?, ?, ?, 'pending', ?)",
    )
    .bind(&id)
    .bind(a.booking_id)
    .bind(a.exam_id)
    .bind(a.student_id)
    .bind(a.started_at)
    .bind(a.deadline_at)
    .bind(serde_json::to_string(a.question_order).unwrap_or_else(|_| "[]".into()))
    .bind(serde_json::to_string(a.option_orders).unwrap_or_else(|_| "{}".into()))
    .bind(a.max_score)
    .execute(conn)
    .await?;
    Ok(id)
}

/// The saved responses of an attempt, by question id (blank-free: `null` responses are skipped).
pub async fn responses(db: &Db, attempt_id: &str) -> sqlx::Result<HashMap<String, Response>> {
    let rows: Vec<(String, DbText)> = sqlx::query_as("SELECT question_id, response FROM answers WHERE attempt_id = ?")
        .bind(attempt_id)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.into_iter().filter_map(|(q, r)| serde_json::from_str::<Response>(&r.0).ok().map(|r| (q, r))).collect())
}

/// Saves (or replaces) a response while the attempt is in progress and before its deadline;
/// false when the attempt no longer accepts answers. The check and the write are one statement
/// pair in a transaction, so nothing is written after a submission.
pub async fn save_response(db: &Db, attempt_id: &str, question_id: &str, response: &Response) -> sqlx::Result<bool> {
    let json = serde_json::to_string(response).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    crate::db::retry("save answer", || save_json(db, attempt_id, question_id, &json)).await
}

async fn save_json(db: &Db, attempt_id: &str, question_id: &str, json: &str) -> sqlx::Result<bool> {
    let now = now_ms();
    let mut tx = db.pool().begin().await?;
    let open =
        sqlx::query("UPDATE attempts SET status = status WHERE id = ? AND status = 'in_progress' AND deadline_at > ?")
            .bind(attempt_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    if open.rows_affected() == 0 {
        return Ok(false);
    }
    upsert_response(&mut tx, attempt_id, question_id, json, now).await?;
    tx.commit().await?;
    Ok(true)
}

async fn upsert_response(
    conn: &mut AnyConnection,
    attempt_id: &str,
    question_id: &str,
    json: &str,
    now: i64,
) -> sqlx::Result<()> {
    let updated = sqlx::query("UPDATE answers SET response = ?, saved_at = ? WHERE attempt_id = ? AND question_id = ?")
        .bind(json)
        .bind(now)
        .bind(attempt_id)
        .bind(question_id)
        .execute(&mut *conn)
        .await?;
    if updated.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO answers (attempt_id, question_id, response, saved_at, comment) VALUES (?, ?, ?, ?, '')",
        )
        .bind(attempt_id)
        .bind(question_id)
        .bind(json)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Attempts past their deadline and still open (for the auto-submit worker).
pub async fn due(db: &Db, now: i64, limit: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT id FROM attempts WHERE status = 'in_progress' AND deadline_at <= ? ORDER BY deadline_at LIMIT ?",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// Records something that happened around a booking (e.g. the webcam was refused).
pub async fn record_event(db: &Db, booking_id: &str, kind: &str, details: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO attempt_events (id, booking_id, kind, details, at) VALUES (?, ?, ?, ?, ?)")
        .bind(new_id())
        .bind(booking_id)
        .bind(kind)
        .bind(details)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The events of a booking, oldest first: (kind, details, at).
pub async fn events(db: &Db, booking_id: &str) -> sqlx::Result<Vec<(String, String, i64)>> {
    let rows: Vec<(String, DbText, i64)> =
        sqlx::query_as("SELECT kind, details, at FROM attempt_events WHERE booking_id = ? ORDER BY at, id")
            .bind(booking_id)
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|(k, d, at)| (k, d.0, at)).collect())
}
