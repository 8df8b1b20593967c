//! Read side of one exam's and one student's analytics (see `queries` for why analytics reads
//! other contexts' tables).

use sqlx::FromRow;

use crate::db::{Db, DbText};

/// A submitted attempt of an exam.
#[derive(Clone, Debug, FromRow)]
pub struct ExamAttempt {
    /// Attempt.
    pub id: String,
    /// `pending` or `graded`.
    pub grading_status: String,
    /// Score once graded.
    pub score_hundredths: Option<i64>,
    /// Maximum.
    pub max_score_hundredths: i64,
    /// 1 when passed.
    pub passed: Option<i64>,
}

/// Every submitted attempt of `exam_id`.
pub async fn exam_attempts(db: &Db, exam_id: &str) -> sqlx::Result<Vec<ExamAttempt>> {
    sqlx::query_as(
        "SELECT id, grading_status, score_hundredths, max_score_hundredths, passed FROM attempts \
         WHERE exam_id = ? AND status = 'submitted' ORDER BY id",
    )
    .bind(exam_id)
    .fetch_all(db.pool())
    .await
}

/// A question of an exam as the item analysis shows it.
#[derive(Clone, Debug, FromRow)]
pub struct QuestionRow {
    /// Question.
    pub id: String,
    /// Position (1-based).
    pub position: i64,
    /// `mcq`, `true_false`, `short_answer` or `essay`.
    pub kind: String,
    /// Prompt.
    #[sqlx(try_from = "DbText")]
    pub prompt: String,
    /// Full marks, hundredths.
    pub points_hundredths: i64,
}

/// The live questions of an exam, plus deleted ones that copies answered, in order.
pub async fn exam_questions(db: &Db, exam_id: &str) -> sqlx::Result<Vec<QuestionRow>> {
    sqlx::query_as(
        "SELECT q.id, q.position, q.kind, q.prompt, q.points_hundredths FROM questions q WHERE q.exam_id = ? \
         AND (q.deleted_at IS NULL OR EXISTS (SELECT 1 FROM answers s WHERE s.question_id = q.id)) \
         ORDER BY q.deleted_at IS NULL DESC, q.position, q.id",
    )
    .bind(exam_id)
    .fetch_all(db.pool())
    .await
}

/// Scores per (attempt, question) of an exam's graded attempts.
pub async fn exam_answer_scores(db: &Db, exam_id: &str) -> sqlx::Result<Vec<(String, String, i64)>> {
    sqlx::query_as(
        "SELECT s.attempt_id, s.question_id, s.score_hundredths FROM answers s JOIN attempts a ON a.id = s.attempt_id \
         WHERE a.exam_id = ? AND a.status = 'submitted' AND a.grading_status = 'graded' AND s.score_hundredths IS NOT NULL",
    )
    .bind(exam_id)
    .fetch_all(db.pool())
    .await
}

/// One exam in a student's history.
#[derive(Clone, Debug, FromRow)]
pub struct HistoryRow {
    /// Attempt.
    pub attempt_id: String,
    /// Exam.
    pub exam_id: String,
    /// Exam title.
    pub exam_title: String,
    /// When submitted.
    pub submitted_at: i64,
    /// `pending` or `graded`.
    pub grading_status: String,
    /// Score once graded.
    pub score_hundredths: Option<i64>,
    /// Maximum.
    pub max_score_hundredths: i64,
    /// 1 when passed.
    pub passed: Option<i64>,
}

/// Visibility filter: a student sees a graded score only once its results are released.
const RELEASED: &str = "(e.release_mode = 'immediate' OR e.results_released_at IS NOT NULL)";

/// A student's submitted attempts, oldest first. With `released_only`, graded scores the student
/// may not see yet are reported as pending.
pub async fn history(db: &Db, student_id: &str, released_only: bool) -> sqlx::Result<Vec<HistoryRow>> {
    let sql = format!(
        "SELECT a.id AS attempt_id, a.exam_id, e.title AS exam_title, a.submitted_at, \
         CASE WHEN ? = 1 AND NOT {RELEASED} THEN 'pending' ELSE a.grading_status END AS grading_status, \
         CASE WHEN ? = 1 AND NOT {RELEASED} THEN NULL ELSE a.score_hundredths END AS score_hundredths, \
         a.max_score_hundredths, CASE WHEN ? = 1 AND NOT {RELEASED} THEN NULL ELSE a.passed END AS passed \
         FROM attempts a JOIN exams e ON e.id = a.exam_id \
         WHERE a.student_id = ? AND a.status = 'submitted' ORDER BY a.submitted_at, a.id"
    );
    let flag = i64::from(released_only);
    sqlx::query_as(&sql).bind(flag).bind(flag).bind(flag).bind(student_id).fetch_all(db.pool()).await
}

/// (question kind, points earned, full marks) of every graded answer of a student.
pub async fn answers_by_kind(db: &Db, student_id: &str, released_only: bool) -> sqlx::Result<Vec<(String, i64, i64)>> {
    let sql = format!(
        "SELECT q.kind, s.score_hundredths, q.points_hundredths FROM answers s \
         JOIN attempts a ON a.id = s.attempt_id JOIN questions q ON q.id = s.question_id \
         JOIN exams e ON e.id = a.exam_id \
         WHERE a.student_id = ? AND a.status = 'submitted' AND a.grading_status = 'graded' \
         AND s.score_hundredths IS NOT NULL AND (? = 0 OR {RELEASED})"
    );
    sqlx::query_as(&sql).bind(student_id).bind(i64::from(released_only)).fetch_all(db.pool()).await
}
