//! Grading, in the transaction of the submission (the attempts call [`AutoGrader`]) or of the
//! teacher's grade, with its outbox events: auto-gradable answers are scored at once, essays wait
//! for the teacher, and the attempt becomes `graded` when every answer has a score.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::rules::{auto_score, passes};
use crate::attempts::model::Attempt;
use crate::attempts::queries as attempts;
use crate::attempts::submit::Grader;
use crate::db::{Db, now_ms};
use crate::events::payloads::{GradingCompleted, ManualReviewRequired, ReleasedAttempt, ResultsReleased};
use crate::events::record;
use crate::exams::points::Points;
use crate::exams::queries as exams;
use crate::exams::questions::queries as question_queries;
use crate::exams::questions::{QuestionKind, Response};

/// The grader the attempts call inside the submitting transaction.
pub struct AutoGrader;

#[async_trait]
impl Grader for AutoGrader {
    /// Scores every auto-gradable answer; the attempt is graded at once when nothing is left,
    /// otherwise the teacher is asked to review the rest (`manual_review_required`).
    async fn submitted(
        &self,
        conn: &mut AnyConnection,
        attempt: &Attempt,
        responses: &HashMap<String, Response>,
        now: i64,
    ) -> sqlx::Result<()> {
        let Some(exam) = exams::get_exam_on(&mut *conn, &attempt.exam_id).await? else { return Ok(()) };
        let questions = question_queries::list_by_ids_on(&mut *conn, &attempt.exam_id).await?;
        let mut pending = 0;
        for qid in &attempt.question_order {
            let Some(question) = questions.iter().find(|q| &q.id == qid) else { continue };
            let response = responses.get(qid);
            let score = auto_score(question, response);
            if score.is_none() {
                pending += 1;
            }
            store_score(conn, &attempt.id, qid, response, score, now).await?;
        }
        if pending > 0 {
            let review = ManualReviewRequired {
                attempt_id: attempt.id.clone(),
                exam_id: exam.id.clone(),
                student_id: attempt.student_id.clone(),
                teacher_id: exam.teacher_id.clone(),
                pending_answers: pending,
            };
            record(conn, &attempt.id, review).await?;
        } else {
            finalize(conn, &attempt.id, &exam).await?;
        }
        Ok(())
    }
}

async fn store_score(
    conn: &mut AnyConnection,
    attempt_id: &str,
    question_id: &str,
    response: Option<&Response>,
    score: Option<Points>,
    now: i64,
) -> sqlx::Result<()> {
    let updated =
        sqlx::query("UPDATE answers SET score_hundredths = ?, graded_at = ? WHERE attempt_id = ? AND question_id = ?")
            .bind(score.map(|s| s.0))
            .bind(score.map(|_| now))
            .bind(attempt_id)
            .bind(question_id)
            .execute(&mut *conn)
            .await?;
    if updated.rows_affected() == 0 {
        let json = response.and_then(|r| serde_json::to_string(r).ok()).unwrap_or_else(|| "null".into());
        sqlx::query(
            "INSERT INTO answers (attempt_id, question_id, response, saved_at, score_hundredths, graded_at, comment) VALUES (?, ?, ?, ?, ?, ?, '')",
        )
        .bind(attempt_id)
        .bind(question_id)
        .bind(json)
        .bind(now)
        .bind(score.map(|s| s.0))
        .bind(score.map(|_| now))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Marks the attempt graded with its total when every answer has a score; writes
/// `grading_completed`. Returns whether it did.
pub async fn finalize(
    conn: &mut AnyConnection,
    attempt_id: &str,
    exam: &crate::exams::model::Exam,
) -> sqlx::Result<bool> {
    let (missing, total): (i64, Option<i64>) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN score_hundredths IS NULL THEN 1 ELSE 0 END), 0) AS SIGNED), CAST(SUM(score_hundredths) AS SIGNED) \
         FROM answers WHERE attempt_id = ?",
    )
    .bind(attempt_id)
    .fetch_one(&mut *conn)
    .await?;
    if missing > 0 {
        return Ok(false);
    }
    let (student_id, max): (String, i64) =
        sqlx::query_as("SELECT student_id, max_score_hundredths FROM attempts WHERE id = ?")
            .bind(attempt_id)
            .fetch_one(&mut *conn)
            .await?;
    let total = total.unwrap_or(0);
    let passed = passes(Points(total), Points(max), exam.pass_mark_percent);
    sqlx::query(
        "UPDATE attempts SET grading_status = 'graded', score_hundredths = ?, passed = ?, graded_at = ? WHERE id = ?",
    )
    .bind(total)
    .bind(i64::from(passed))
    .bind(now_ms())
    .bind(attempt_id)
    .execute(&mut *conn)
    .await?;
    let completed = GradingCompleted {
        attempt_id: attempt_id.to_owned(),
        exam_id: exam.id.clone(),
        student_id,
        teacher_id: exam.teacher_id.clone(),
        score_hundredths: total,
        max_score_hundredths: max,
        passed,
        results_released: exam.results_visible(),
    };
    record(conn, attempt_id, completed).await?;
    Ok(true)
}

/// Why a grade was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum GradeRefusal {
    /// The answer does not exist or the attempt is not submitted.
    NotFound,
    /// Only essays are graded by hand.
    NotAnEssay,
    /// Score above the question's points.
    TooHigh(Points),
}

/// The teacher scores an essay answer (and comments); finalizes the attempt when it was the last.
pub async fn grade_essay(
    db: &Db,
    attempt_id: &str,
    question_id: &str,
    score: Points,
    comment: &str,
    grader_id: &str,
) -> sqlx::Result<Result<bool, GradeRefusal>> {
    let Some(attempt) = attempts::get(db, attempt_id).await? else { return Ok(Err(GradeRefusal::NotFound)) };
    if attempt.status != crate::attempts::model::AttemptStatus::Submitted {
        return Ok(Err(GradeRefusal::NotFound));
    }
    let Some(exam) = exams::get_exam_any(db, &attempt.exam_id).await? else { return Ok(Err(GradeRefusal::NotFound)) };
    let questions = question_queries::list_by_ids(db, &attempt.exam_id).await?;
    let Some(question) = questions.iter().find(|q| q.id == question_id) else { return Ok(Err(GradeRefusal::NotFound)) };
    if question.kind != QuestionKind::Essay {
        return Ok(Err(GradeRefusal::NotAnEssay));
    }
    if score > question.points {
        return Ok(Err(GradeRefusal::TooHigh(question.points)));
    }
    let mut tx = db.pool().begin().await?;
    let done = sqlx::query(
        "UPDATE answers SET score_hundredths = ?, comment = ?, graded_by = ?, graded_at = ? WHERE attempt_id = ? AND question_id = ?",
    )
    .bind(score.0)
    .bind(comment)
    .bind(grader_id)
    .bind(now_ms())
    .bind(attempt_id)
    .bind(question_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(Err(GradeRefusal::NotFound));
    }
    // A regrade of an already graded attempt updates its total without a second event.
    let finalized = if attempt.graded {
        sqlx::query(
            "UPDATE attempts SET score_hundredths = (SELECT CAST(SUM(score_hundredths) AS SIGNED) FROM answers WHERE attempt_id = ?) WHERE id = ?",
        )
        .bind(attempt_id)
        .bind(attempt_id)
        .execute(&mut *tx)
        .await?;
        refresh_passed(&mut tx, attempt_id, exam.pass_mark_percent).await?;
        true
    } else {
        finalize(&mut tx, attempt_id, &exam).await?
    };
    tx.commit().await?;
    Ok(Ok(finalized))
}

/// Recomputes `passed` from the stored total.
pub async fn refresh_passed(conn: &mut AnyConnection, attempt_id: &str, pass_mark_percent: i64) -> sqlx::Result<()> {
    let (score, max): (Option<i64>, i64) =
        sqlx::query_as("SELECT score_hundredths, max_score_hundredths FROM attempts WHERE id = ?")
            .bind(attempt_id)
            .fetch_one(&mut *conn)
            .await?;
    let passed = passes(Points(score.unwrap_or(0)), Points(max), pass_mark_percent);
    sqlx::query("UPDATE attempts SET passed = ? WHERE id = ?")
        .bind(i64::from(passed))
        .bind(attempt_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Releases an exam's results with its `results_released` event (listing the graded attempts
/// whose students may now read their results) in one transaction. False when already released.
pub async fn release_results(db: &Db, exam: &crate::exams::model::Exam) -> sqlx::Result<bool> {
    let now = now_ms();
    let mut tx = db.pool().begin().await?;
    if !exams::mark_results_released(&mut tx, &exam.id, now).await? {
        return Ok(false);
    }
    let attempts: Vec<(String, String)> = sqlx::query_as(
        "SELECT id AS attempt_id, student_id FROM attempts WHERE exam_id = ? AND grading_status = 'graded' ORDER BY id",
    )
    .bind(&exam.id)
    .fetch_all(&mut *tx)
    .await?;
    let payload = ResultsReleased {
        exam_id: exam.id.clone(),
        exam_title: exam.title.clone(),
        teacher_id: exam.teacher_id.clone(),
        released_at: now,
        attempts: attempts
            .into_iter()
            .map(|(attempt_id, student_id)| ReleasedAttempt { attempt_id, student_id })
            .collect(),
    };
    record(&mut tx, &exam.id, payload).await?;
    tx.commit().await?;
    Ok(true)
}
