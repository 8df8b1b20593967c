//! SQL the exam editor needs beyond `queries`: summaries for admins, counts that guard
//! destructive changes.

use sqlx::FromRow;

use super::model::{ExamStatus, ExamSummary};
use crate::bookings::service::count_active_on_slot;
use crate::db::{Db, now_ms};

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

/// Every exam that is not deleted, with its teacher's name, newest first (admin's list).
pub async fn list_all_summaries(db: &Db) -> sqlx::Result<Vec<ExamSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT e.id, e.title, e.duration_minutes, e.status, u.name AS teacher_name, \
         CAST(COUNT(s.id) AS SIGNED) AS upcoming_slots, MIN(s.starts_at) AS next_slot_at \
         FROM exams e JOIN users u ON u.id = e.teacher_id \
         LEFT JOIN exam_slots s ON s.exam_id = e.id AND s.starts_at > ? AND s.cancelled_at IS NULL \
         WHERE e.status <> 'deleted' \
         GROUP BY e.id, e.title, e.duration_minutes, e.status, u.name, e.created_at ORDER BY e.created_at DESC",
    )
    .bind(now_ms())
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ExamSummary {
            id: r.id,
            title: r.title,
            duration_minutes: r.duration_minutes,
            status: ExamStatus::parse(&r.status).unwrap_or(ExamStatus::Draft),
            teacher_name: r.teacher_name,
            upcoming_slots: r.upcoming_slots,
            next_slot_at: r.next_slot_at,
        })
        .collect())
}

/// Active bookings of an exam, counted by the bookings context slot by slot.
pub async fn count_active_bookings(db: &Db, exam_id: &str) -> sqlx::Result<i64> {
    let slot_ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM exam_slots WHERE exam_id = ?").bind(exam_id).fetch_all(db.pool()).await?;
    let mut total = 0;
    for slot_id in &slot_ids {
        total += count_active_on_slot(db, slot_id).await?;
    }
    Ok(total)
}

/// Whether any student has started the exam (its duration is then frozen). The attempts table
/// belongs to the attempts context, which has no such function yet.
pub async fn count_attempts(db: &Db, exam_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE exam_id = ?").bind(exam_id).fetch_one(db.pool()).await
}
