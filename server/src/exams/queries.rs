//! SQL of the exams context.

use sqlx::FromRow;

use super::model::{ExamStatus, ExamSummary, NewExam};
use crate::db::{Db, new_id, now_ms};

/// Inserts an exam; returns its id.
pub async fn insert_exam(db: &Db, exam: &NewExam) -> sqlx::Result<String> {
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO exams (id, teacher_id, title, description, duration_minutes, status, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&exam.teacher_id)
    .bind(&exam.title)
    .bind(&exam.description)
    .bind(exam.duration_minutes)
    .bind(exam.status.as_str())
    .bind(now)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(id)
}

/// Adds a slot; its end is computed here from the exam's duration, never taken from a client.
pub async fn insert_slot(db: &Db, exam_id: &str, starts_at: i64, capacity: i64) -> sqlx::Result<String> {
    let id = new_id();
    let duration: i64 = sqlx::query_scalar("SELECT duration_minutes FROM exams WHERE id = ?")
        .bind(exam_id)
        .fetch_one(db.pool())
        .await?;
    sqlx::query(
        "INSERT INTO exam_slots (id, exam_id, starts_at, ends_at, capacity, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(exam_id)
    .bind(starts_at)
    .bind(starts_at + duration * 60_000)
    .bind(capacity)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(id)
}

#[derive(FromRow)]
struct SummaryRow {
    id: String,
    title: String,
    duration_minutes: i64,
    status: String,
    teacher_name: String,
    upcoming_slots: i64,
    next_slot_at: Option<i64>,
}

const SUMMARY: &str = "SELECT e.id, e.title, e.duration_minutes, e.status, u.name AS teacher_name, \
     CAST(COUNT(s.id) AS SIGNED) AS upcoming_slots, MIN(s.starts_at) AS next_slot_at \
     FROM exams e JOIN users u ON u.id = e.teacher_id \
     LEFT JOIN exam_slots s ON s.exam_id = e.id AND s.starts_at > ?";

fn into_summary(r: SummaryRow) -> ExamSummary {
    ExamSummary {
        id: r.id,
        title: r.title,
        duration_minutes: r.duration_minutes,
        status: ExamStatus::parse(&r.status).unwrap_or(ExamStatus::Draft),
        teacher_name: r.teacher_name,
        upcoming_slots: r.upcoming_slots,
        next_slot_at: r.next_slot_at,
    }
}

/// A teacher's exams (not deleted), newest first.
pub async fn list_for_teacher(db: &Db, teacher_id: &str) -> sqlx::Result<Vec<ExamSummary>> {
    let sql = format!(
        "{SUMMARY} WHERE e.teacher_id = ? AND e.status <> 'deleted' \
         GROUP BY e.id, e.title, e.duration_minutes, e.status, u.name, e.created_at ORDER BY e.created_at DESC"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql).bind(now_ms()).bind(teacher_id).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(into_summary).collect())
}

/// Published exams that have at least one slot still to come, soonest first.
pub async fn catalogue(db: &Db) -> sqlx::Result<Vec<ExamSummary>> {
    let sql = format!(
        "{SUMMARY} WHERE e.status = 'published' \
         GROUP BY e.id, e.title, e.duration_minutes, e.status, u.name HAVING COUNT(s.id) > 0 \
         ORDER BY next_slot_at, e.title"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql).bind(now_ms()).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(into_summary).collect())
}

/// Number of exams with a given status.
pub async fn count_with_status(db: &Db, status: ExamStatus) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM exams WHERE status = ?").bind(status.as_str()).fetch_one(db.pool()).await
}
