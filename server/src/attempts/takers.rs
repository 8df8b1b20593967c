//! The attempts' answers to the contexts below: to the exam editor, whether anyone started an
//! exam or answered a question; to the bookings, how far each booking got; to monitoring,
//! whether an attempt is still open.

use std::collections::HashMap;

use async_trait::async_trait;

use crate::bookings::progress::AttemptProgress;
use crate::db::Db;
use crate::exams::holders::Takers;
use crate::monitoring::lifecycle::OpenAttempts;

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
impl OpenAttempts for Attempts {
    async fn hold_open(&self, conn: &mut sqlx::AnyConnection, attempt_id: &str, now: i64) -> sqlx::Result<bool> {
        // A no-op write: the row stays taken until the caller's transaction ends.
        let open = sqlx::query(
            "UPDATE attempts SET status = status WHERE id = ? AND status = 'in_progress' AND deadline_at > ?",
        )
        .bind(attempt_id)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(open.rows_affected() > 0)
    }
}

#[async_trait]
impl AttemptProgress for Attempts {
    async fn statuses(&self, db: &Db, booking_ids: &[&str]) -> sqlx::Result<HashMap<String, String>> {
        let sql = "SELECT booking_id, status FROM attempts WHERE booking_id IN ({ids})";
        let rows: Vec<(String, String)> = crate::db::fetch_by_ids(db, sql, booking_ids).await?;
        Ok(rows.into_iter().collect())
    }
}
