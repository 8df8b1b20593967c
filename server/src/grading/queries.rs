//! Read side of grading: results tables, copies, the review queue.

use sqlx::FromRow;

use crate::db::{Db, DbText};

/// One submitted attempt in an exam's results table.
#[derive(Clone, Debug, FromRow)]
pub struct ResultRow {
    /// Attempt.
    pub attempt_id: String,
    /// Student.
    pub student_id: String,
    /// Student's name (from the accounts).
    #[sqlx(default)]
    pub student_name: String,
    /// Student's email (from the accounts).
    #[sqlx(default)]
    pub student_email: String,
    /// Submission time.
    pub submitted_at: i64,
    /// `student` or `deadline`.
    pub submit_reason: Option<String>,
    /// `pending` or `graded`.
    pub grading_status: String,
    /// Total (hundredths) once graded.
    pub score_hundredths: Option<i64>,
    /// Maximum (hundredths).
    pub max_score_hundredths: i64,
    /// 1/0 once graded.
    pub passed: Option<i64>,
}

/// The submitted attempts of an exam, newest first.
pub async fn results_for_exam(db: &Db, exam_id: &str) -> sqlx::Result<Vec<ResultRow>> {
    let mut rows: Vec<ResultRow> = sqlx::query_as(
        "SELECT a.id AS attempt_id, a.student_id, a.submitted_at, \
         a.submit_reason, a.grading_status, a.score_hundredths, a.max_score_hundredths, a.passed \
         FROM attempts a WHERE a.exam_id = ? AND a.status = 'submitted' ORDER BY a.submitted_at DESC",
    )
    .bind(exam_id)
    .fetch_all(db.pool())
    .await?;
    let students: Vec<&str> = rows.iter().map(|r| r.student_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &students).await?;
    for row in &mut rows {
        if let Some((name, email)) = names.get(&row.student_id) {
            (row.student_name, row.student_email) = (name.clone(), email.clone());
        }
    }
    Ok(rows)
}

/// One answer of a copy.
#[derive(Clone, Debug, FromRow)]
pub struct AnswerRow {
    /// Question.
    pub question_id: String,
    /// JSON response (`null` when unanswered).
    #[sqlx(try_from = "DbText")]
    pub response: String,
    /// Score (hundredths) once graded.
    pub score_hundredths: Option<i64>,
    /// Grader's comment.
    #[sqlx(try_from = "DbText")]
    pub comment: String,
}

/// The answers of an attempt.
pub async fn answers(db: &Db, attempt_id: &str) -> sqlx::Result<Vec<AnswerRow>> {
    sqlx::query_as("SELECT question_id, response, score_hundredths, comment FROM answers WHERE attempt_id = ?")
        .bind(attempt_id)
        .fetch_all(db.pool())
        .await
}

/// An attempt waiting for a teacher.
#[derive(Clone, Debug, FromRow)]
pub struct PendingRow {
    /// Attempt.
    pub attempt_id: String,
    /// Exam.
    pub exam_id: String,
    /// Exam title.
    pub exam_title: String,
    /// Student.
    pub student_id: String,
    /// Student's name (from the accounts).
    #[sqlx(default)]
    pub student_name: String,
    /// Submission time.
    pub submitted_at: i64,
    /// Answers still without a score.
    pub pending_answers: i64,
}

/// Attempts with ungraded answers, oldest first; `teacher_id` None = every exam (admin).
pub async fn review_queue(db: &Db, teacher_id: Option<&str>) -> sqlx::Result<Vec<PendingRow>> {
    let mut rows: Vec<PendingRow> = sqlx::query_as(
        "SELECT a.id AS attempt_id, a.exam_id, e.title AS exam_title, a.student_id, a.submitted_at, \
         CAST(COUNT(*) AS SIGNED) AS pending_answers \
         FROM attempts a JOIN exams e ON e.id = a.exam_id \
         JOIN answers ans ON ans.attempt_id = a.id AND ans.score_hundredths IS NULL \
         WHERE a.status = 'submitted' AND (? IS NULL OR e.teacher_id = ?) \
         GROUP BY a.id, a.exam_id, e.title, a.student_id, a.submitted_at ORDER BY a.submitted_at",
    )
    .bind(teacher_id)
    .bind(teacher_id)
    .fetch_all(db.pool())
    .await?;
    let students: Vec<&str> = rows.iter().map(|r| r.student_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &students).await?;
    for row in &mut rows {
        row.student_name = names.get(&row.student_id).map(|(name, _)| name.clone()).unwrap_or_default();
    }
    Ok(rows)
}

/// A student's attempt with its exam title, for their results list.
#[derive(Clone, Debug, FromRow)]
pub struct MyResultRow {
    /// Attempt.
    pub attempt_id: String,
    /// Exam.
    pub exam_id: String,
    /// Exam title.
    pub exam_title: String,
    /// `in_progress` or `submitted`.
    pub status: String,
    /// Submission time.
    pub submitted_at: Option<i64>,
    /// `pending` or `graded`.
    pub grading_status: String,
    /// Total once graded.
    pub score_hundredths: Option<i64>,
    /// Maximum.
    pub max_score_hundredths: i64,
    /// 1/0 once graded.
    pub passed: Option<i64>,
    /// `immediate` or `manual`.
    pub release_mode: String,
    /// When results were released (manual mode).
    pub results_released_at: Option<i64>,
}

impl MyResultRow {
    /// Whether the student may see the score now.
    pub fn visible(&self) -> bool {
        self.grading_status == "graded" && (self.release_mode == "immediate" || self.results_released_at.is_some())
    }
}

/// Every attempt of a student, newest first.
pub async fn results_of_student(db: &Db, student_id: &str) -> sqlx::Result<Vec<MyResultRow>> {
    sqlx::query_as(
        "SELECT a.id AS attempt_id, a.exam_id, e.title AS exam_title, a.status, a.submitted_at, a.grading_status, \
         a.score_hundredths, a.max_score_hundredths, a.passed, e.release_mode, e.results_released_at \
         FROM attempts a JOIN exams e ON e.id = a.exam_id WHERE a.student_id = ? ORDER BY a.started_at DESC",
    )
    .bind(student_id)
    .fetch_all(db.pool())
    .await
}
