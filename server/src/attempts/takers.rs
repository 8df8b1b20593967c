//! The attempts' answer to the exam editor: whether anyone started an exam or answered a question.

use async_trait::async_trait;

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
