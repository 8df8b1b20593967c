//! SQL the exam editor needs beyond `queries`: summaries for admins, counts that guard
//! destructive changes.

use crate::bookings::service::count_active_on_slot;
use crate::db::Db;

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
