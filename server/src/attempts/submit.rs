//! Submission, in one transaction with its outbox events: the attempt is taken once (a second
//! submit, or the deadline worker racing the student, changes nothing), its monitoring session
//! stops, and the grader scores it inside the same transaction.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::model::{Attempt, SubmitReason};
use super::queries;
use crate::app::AppState;
use crate::db::{DbText, now_ms};
use crate::events::payloads::ExamSubmitted;
use crate::events::record;
use crate::exams::questions::Response;
use crate::monitoring::lifecycle::{Stop, stop_attempt_in};
use crate::monitoring::model::StopReason;

/// Scores a submitted attempt inside the submitting transaction (the grading context; the
/// assembly point puts it in the state).
#[async_trait]
pub trait Grader: Send + Sync {
    /// Scores what can be scored at once; the rest waits for the teacher.
    async fn submitted(
        &self,
        conn: &mut AnyConnection,
        attempt: &Attempt,
        responses: &HashMap<String, Response>,
        now: i64,
    ) -> sqlx::Result<()>;
}

/// The state's part holding the [`Grader`].
#[derive(Clone)]
pub struct Graders(pub Arc<dyn Grader>);

/// Submits an in-progress attempt and grades what can be graded. Returns false when the attempt
/// was already submitted.
pub async fn submit(state: &AppState, attempt_id: &str, reason: SubmitReason) -> sqlx::Result<bool> {
    submit_with_note(state, attempt_id, reason, "", None).await
}

/// Like [`submit`], with the proctor's note (shown to the student) and id when a proctor stops it.
pub async fn submit_with_note(
    state: &AppState,
    attempt_id: &str,
    reason: SubmitReason,
    note: &str,
    by: Option<&str>,
) -> sqlx::Result<bool> {
    let Some(attempt) = queries::get(&state.db, attempt_id).await? else { return Ok(false) };
    // The first statement takes the attempt only while it is in progress: running the whole
    // transaction again after a lost deadlock cannot submit twice.
    let done = crate::db::retry("submit", || submit_once(state, &attempt, reason, note, by)).await?;
    if done {
        state.live.panels.notify();
    }
    Ok(done)
}

async fn submit_once(
    state: &AppState,
    attempt: &Attempt,
    reason: SubmitReason,
    note: &str,
    by: Option<&str>,
) -> sqlx::Result<bool> {
    let attempt_id = attempt.id.as_str();
    let now = now_ms();
    let mut tx = state.db.pool().begin().await?;
    let done = sqlx::query(
        "UPDATE attempts SET status = 'submitted', submitted_at = ?, submit_reason = ? WHERE id = ? AND status = 'in_progress'",
    )
    .bind(now)
    .bind(reason.as_str())
    .bind(attempt_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    // Read the answers after taking the row: no save can slip in between.
    let rows: Vec<(String, DbText)> = sqlx::query_as("SELECT question_id, response FROM answers WHERE attempt_id = ?")
        .bind(attempt_id)
        .fetch_all(&mut *tx)
        .await?;
    let responses: HashMap<String, Response> =
        rows.into_iter().filter_map(|(q, r)| serde_json::from_str(&r.0).ok().map(|r| (q, r))).collect();
    let answered = attempt.question_order.iter().filter(|q| responses.get(*q).is_some_and(|r| !r.is_blank())).count();
    let submitted = ExamSubmitted {
        attempt_id: attempt_id.to_owned(),
        booking_id: attempt.booking_id.clone(),
        exam_id: attempt.exam_id.clone(),
        student_id: attempt.student_id.clone(),
        reason: reason.as_str().to_owned(),
        submitted_at: now,
        answered: i64::try_from(answered).unwrap_or(i64::MAX),
        questions: i64::try_from(attempt.question_order.len()).unwrap_or(i64::MAX),
    };
    record(&mut tx, attempt_id, submitted).await?;
    let reason = match reason {
        SubmitReason::Student => StopReason::Submitted,
        SubmitReason::Deadline => StopReason::Deadline,
        SubmitReason::Proctor => StopReason::Proctor,
    };
    stop_attempt_in(&mut tx, attempt_id, Stop { reason, note, by }).await?;
    state.part::<Graders>().0.submitted(&mut tx, attempt, &responses, now).await?;
    tx.commit().await?;
    Ok(true)
}
