//! Where grades are kept: the score columns of `attempts` and `answers`. The grading context
//! decides every score (its rules, the teacher's hand) and stores it through these statements,
//! on its own transaction or on the submitting one; no other SQL reads or writes them.

use sqlx::{AnyConnection, FromRow};

use crate::db::{Db, DbText, fetch_by_ids};
use crate::exams::questions::Response;

/// An attempt as a results sheet shows it.
#[derive(Clone, Debug, FromRow)]
pub struct Sheet {
    /// Attempt.
    pub attempt_id: String,
    /// Exam.
    pub exam_id: String,
    /// Student.
    pub student_id: String,
    /// `in_progress` or `submitted`.
    pub status: String,
    /// Start.
    pub started_at: i64,
    /// Submission time.
    pub submitted_at: Option<i64>,
    /// `student`, `deadline` or `proctor`.
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

const SHEET: &str = "SELECT id AS attempt_id, exam_id, student_id, status, started_at, submitted_at, submit_reason, \
     grading_status, score_hundredths, max_score_hundredths, passed FROM attempts";

/// The submitted attempts of an exam, newest first.
pub async fn submitted_of_exam(db: &Db, exam_id: &str) -> sqlx::Result<Vec<Sheet>> {
    let sql = format!("{SHEET} WHERE exam_id = ? AND status = 'submitted' ORDER BY submitted_at DESC");
    sqlx::query_as(&sql).bind(exam_id).fetch_all(db.pool()).await
}

/// Every attempt of a student, newest first.
pub async fn of_student(db: &Db, student_id: &str) -> sqlx::Result<Vec<Sheet>> {
    let sql = format!("{SHEET} WHERE student_id = ? ORDER BY started_at DESC");
    sqlx::query_as(&sql).bind(student_id).fetch_all(db.pool()).await
}

/// A submitted attempt with answers still to score.
#[derive(Clone, Debug, FromRow)]
pub struct Unscored {
    /// Attempt.
    pub attempt_id: String,
    /// Exam.
    pub exam_id: String,
    /// Student.
    pub student_id: String,
    /// Submission time.
    pub submitted_at: i64,
    /// Answers without a score.
    pub pending_answers: i64,
}

/// Submitted attempts with unscored answers, oldest first: of these exams, or of every exam.
pub async fn unscored(db: &Db, exam_ids: Option<&[&str]>) -> sqlx::Result<Vec<Unscored>> {
    let sql = |filter: &str| {
        format!(
            "SELECT a.id AS attempt_id, a.exam_id, a.student_id, a.submitted_at, CAST(COUNT(*) AS SIGNED) AS pending_answers \
             FROM attempts a JOIN answers ans ON ans.attempt_id = a.id AND ans.score_hundredths IS NULL \
             WHERE a.status = 'submitted'{filter} GROUP BY a.id, a.exam_id, a.student_id, a.submitted_at"
        )
    };
    let mut rows: Vec<Unscored> = match exam_ids {
        None => sqlx::query_as(&sql("")).fetch_all(db.pool()).await?,
        Some(ids) => fetch_by_ids(db, &sql(" AND a.exam_id IN ({ids})"), ids).await?,
    };
    rows.sort_by(|a, b| (a.submitted_at, &a.attempt_id).cmp(&(b.submitted_at, &b.attempt_id)));
    Ok(rows)
}

/// One answer with its score.
#[derive(Clone, Debug, FromRow)]
pub struct ScoredAnswer {
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

/// The answers of an attempt with their scores.
pub async fn answers(db: &Db, attempt_id: &str) -> sqlx::Result<Vec<ScoredAnswer>> {
    sqlx::query_as("SELECT question_id, response, score_hundredths, comment FROM answers WHERE attempt_id = ?")
        .bind(attempt_id)
        .fetch_all(db.pool())
        .await
}

/// Stores the automatic score of an answer (`None`: left for the teacher); a question the
/// student never answered gets its row now, so every question of the attempt is counted.
pub async fn store_auto(
    conn: &mut AnyConnection,
    attempt_id: &str,
    question_id: &str,
    response: Option<&Response>,
    score: Option<i64>,
    now: i64,
) -> sqlx::Result<()> {
    let graded_at = score.map(|_| now);
    let updated =
        sqlx::query("UPDATE answers SET score_hundredths = ?, graded_at = ? WHERE attempt_id = ? AND question_id = ?")
            .bind(score)
            .bind(graded_at)
            .bind(attempt_id)
            .bind(question_id)
            .execute(&mut *conn)
            .await?;
    if updated.rows_affected() == 0 {
        let json = response.and_then(|r| serde_json::to_string(r).ok()).unwrap_or_else(|| "null".into());
        sqlx::query(
            "INSERT INTO answers (attempt_id, question_id, response, saved_at, score_hundredths, graded_at, comment) \
             VALUES (?, ?, ?, ?, ?, ?, '')",
        )
        .bind(attempt_id)
        .bind(question_id)
        .bind(json)
        .bind(now)
        .bind(score)
        .bind(graded_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The teacher's score and comment on an answer; false when there is no such answer.
pub async fn store_by_hand(
    conn: &mut AnyConnection,
    attempt_id: &str,
    question_id: &str,
    score: i64,
    comment: &str,
    grader_id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE answers SET score_hundredths = ?, comment = ?, graded_by = ?, graded_at = ? WHERE attempt_id = ? AND question_id = ?",
    )
    .bind(score)
    .bind(comment)
    .bind(grader_id)
    .bind(now)
    .bind(attempt_id)
    .bind(question_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets the score of an answer (a regrade).
pub async fn set_answer_score(
    conn: &mut AnyConnection,
    attempt_id: &str,
    question_id: &str,
    score: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE answers SET score_hundredths = ? WHERE attempt_id = ? AND question_id = ?")
        .bind(score)
        .bind(attempt_id)
        .bind(question_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// How an attempt's answers stand: how many have no score yet, and the sum of the others.
pub async fn tally(conn: &mut AnyConnection, attempt_id: &str) -> sqlx::Result<(i64, i64)> {
    let (unscored, total): (i64, Option<i64>) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN score_hundredths IS NULL THEN 1 ELSE 0 END), 0) AS SIGNED), \
         CAST(SUM(score_hundredths) AS SIGNED) FROM answers WHERE attempt_id = ?",
    )
    .bind(attempt_id)
    .fetch_one(conn)
    .await?;
    Ok((unscored, total.unwrap_or(0)))
}

/// The student of an attempt, its stored total (once graded) and its maximum.
pub async fn standing(conn: &mut AnyConnection, attempt_id: &str) -> sqlx::Result<(String, Option<i64>, i64)> {
    sqlx::query_as("SELECT student_id, score_hundredths, max_score_hundredths FROM attempts WHERE id = ?")
        .bind(attempt_id)
        .fetch_one(conn)
        .await
}

/// Marks an attempt graded with its total and verdict.
pub async fn mark_graded(
    conn: &mut AnyConnection,
    attempt_id: &str,
    total: i64,
    passed: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE attempts SET grading_status = 'graded', score_hundredths = ?, passed = ?, graded_at = ? WHERE id = ?",
    )
    .bind(total)
    .bind(i64::from(passed))
    .bind(now)
    .bind(attempt_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces a graded attempt's total, maximum and verdict (a regrade).
pub async fn set_totals(
    conn: &mut AnyConnection,
    attempt_id: &str,
    total: i64,
    max: i64,
    passed: bool,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE attempts SET score_hundredths = ?, max_score_hundredths = ?, passed = ? WHERE id = ?")
        .bind(total)
        .bind(max)
        .bind(i64::from(passed))
        .bind(attempt_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The graded attempts of an exam and their students, by attempt id.
pub async fn graded_of_exam(conn: &mut AnyConnection, exam_id: &str) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT id, student_id FROM attempts WHERE exam_id = ? AND grading_status = 'graded' ORDER BY id")
        .bind(exam_id)
        .fetch_all(conn)
        .await
}

/// A submitted answer to one question, with what a regrade needs of its attempt.
pub struct Answered {
    /// Attempt.
    pub attempt_id: String,
    /// The response, when it parses.
    pub response: Option<Response>,
    /// Whether the attempt is graded.
    pub graded: bool,
    /// The questions the attempt was given.
    pub question_order: Vec<String>,
    /// Its stored maximum.
    pub max_score_hundredths: i64,
}

/// The answers to a question in the submitted attempts of an exam, by attempt id.
pub async fn answers_to(conn: &mut AnyConnection, exam_id: &str, question_id: &str) -> sqlx::Result<Vec<Answered>> {
    let rows: Vec<(String, DbText, String, DbText, i64)> = sqlx::query_as(
        "SELECT a.attempt_id, a.response, t.grading_status, t.question_order, t.max_score_hundredths \
         FROM answers a JOIN attempts t ON t.id = a.attempt_id \
         WHERE a.question_id = ? AND t.exam_id = ? AND t.status = 'submitted' ORDER BY a.attempt_id",
    )
    .bind(question_id)
    .bind(exam_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(attempt_id, response, status, order, max)| Answered {
            attempt_id,
            response: serde_json::from_str(&response.0).ok(),
            graded: status == "graded",
            question_order: serde_json::from_str(&order.0).unwrap_or_default(),
            max_score_hundredths: max,
        })
        .collect())
}
