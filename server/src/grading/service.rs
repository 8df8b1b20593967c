//! Grading, in the transaction of the submission (the attempts call [`AutoGrader`]) or of the
//! teacher's grade, with its outbox events: auto-gradable answers are scored at once, essays wait
//! for the teacher, and the attempt becomes `graded` when every answer has a score.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::rules::{auto_score, passes};
use crate::attempts::grades;
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
            grades::store_auto(conn, &attempt.id, qid, response, score.map(|s| s.0), now).await?;
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

/// Marks the attempt graded with its total when every answer has a score; writes
/// `grading_completed`. Returns whether it did.
pub async fn finalize(
    conn: &mut AnyConnection,
    attempt_id: &str,
    exam: &crate::exams::model::Exam,
) -> sqlx::Result<bool> {
    let (missing, total) = grades::tally(conn, attempt_id).await?;
    if missing > 0 {
        return Ok(false);
    }
    let (student_id, _, max) = grades::standing(conn, attempt_id).await?;
    let passed = passes(Points(total), Points(max), exam.pass_mark_percent);
    grades::mark_graded(conn, attempt_id, total, passed, now_ms()).await?;
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
    // Read and written again from the start after a lost deadlock: the same score, once.
    crate::db::retry("grade essay", || grade_once(db, attempt_id, question_id, score, comment, grader_id)).await
}

async fn grade_once(
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
    if !grades::store_by_hand(&mut tx, attempt_id, question_id, score.0, comment, grader_id, now_ms()).await? {
        return Ok(Err(GradeRefusal::NotFound));
    }
    // A regrade of an already graded attempt updates its total without a second event.
    let finalized = if attempt.graded {
        refresh_total(&mut tx, attempt_id, exam.pass_mark_percent).await?;
        true
    } else {
        finalize(&mut tx, attempt_id, &exam).await?
    };
    tx.commit().await?;
    Ok(Ok(finalized))
}

/// Recomputes a graded attempt's total from its answers and its verdict from the total.
async fn refresh_total(conn: &mut AnyConnection, attempt_id: &str, pass_mark_percent: i64) -> sqlx::Result<()> {
    let (_, total) = grades::tally(conn, attempt_id).await?;
    let (_, _, max) = grades::standing(conn, attempt_id).await?;
    let passed = passes(Points(total), Points(max), pass_mark_percent);
    grades::set_totals(conn, attempt_id, total, max, passed).await
}

/// Releases an exam's results with its `results_released` event (listing the graded attempts
/// whose students may now read their results) in one transaction. False when already released.
pub async fn release_results(db: &Db, exam: &crate::exams::model::Exam) -> sqlx::Result<bool> {
    let now = now_ms();
    let mut tx = db.pool().begin().await?;
    if !exams::mark_results_released(&mut tx, &exam.id, now).await? {
        return Ok(false);
    }
    let attempts = grades::graded_of_exam(&mut tx, &exam.id).await?;
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
