//! The attempts' answers to the contexts below: to the exam editor, whether anyone started an
//! exam or answered a question; to the bookings, how far each booking got.

use std::collections::HashMap;

use async_trait::async_trait;

use crate::bookings::progress::AttemptProgress;
use crate::db::Db;
use crate::exams::holders::Takers;

/// Takers are attempts.
pub struct Attempts;

#[async_trait]
impl Takers for Attempts {
    async fn started(&self, db: &Db, exam_id: &str) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE exam_id = ?").bind(exam_id).fetch_one(db.pool()).await
    }

    async fn answered(&self, db: &Db, question_id: &str) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM answers a JOIN attempts t ON t.id = a.attempt_id WHERE a.question_id = ? AND t.status = 'submitted'",
        )
        .bind(question_id)
        .fetch_one(db.pool())
        .await
    }
}

#[async_trait]
impl AttemptProgress for Attempts {
    async fn statuses(&self, db: &Db, booking_ids: &[&str]) -> sqlx::Result<HashMap<String, String>> {
        let mut out = HashMap::new();
        for chunk in booking_ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!("SELECT booking_id, status FROM attempts WHERE booking_id IN ({marks})");
            let mut query = sqlx::query_as::<_, (String, String)>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            out.extend(query.fetch_all(db.pool()).await?);
        }
        Ok(out)
    }
}
