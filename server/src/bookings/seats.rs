//! The bookings' answer to the exam editor: seats on slots, released when a slot or an exam goes.

use async_trait::async_trait;

use super::service;
use crate::db::Db;
use crate::exams::holders::Seats;

/// Seats are active bookings.
pub struct BookedSeats;

#[async_trait]
impl Seats for BookedSeats {
    async fn on_slot(&self, db: &Db, slot_id: &str) -> sqlx::Result<i64> {
        service::count_active_on_slot(db, slot_id).await
    }

    async fn on_exam(&self, db: &Db, exam_id: &str) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE exam_id = ? AND status = 'active'")
            .bind(exam_id)
            .fetch_one(db.pool())
            .await
    }

    async fn remove_slot(&self, db: &Db, slot_id: &str, by: &str) -> sqlx::Result<usize> {
        service::remove_slot(db, slot_id, by).await
    }

    async fn release_exam(&self, db: &Db, exam_id: &str, reason: &str, by: &str) -> sqlx::Result<usize> {
        service::cancel_all_for_exam(db, exam_id, reason, by).await
    }
}
