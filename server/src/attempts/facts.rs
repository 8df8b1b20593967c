//! What other contexts (analytics, reports) may ask about submitted attempts and their answers:
//! counts, score distributions, pages of submissions, the scores of each answer. The attempts
//! context owns `attempts` and `answers`, their score columns included; the others read them
//! here and join what they need (titles, names, questions) from the owners of those.
//!
//! A submission is an attempt with `status = 'submitted'`; a graded one has `grading_status =
//! 'graded'` and a score. Day buckets are UTC.

use std::collections::HashMap;

use sqlx::FromRow;

use crate::db::{Db, fetch_by_ids, placeholders};

/// A submitted attempt.
#[derive(Clone, Debug, FromRow)]
pub struct Submission {
    /// Attempt.
    pub id: String,
    /// Exam.
    pub exam_id: String,
    /// Student.
    pub student_id: String,
    /// When submitted (UTC ms).
    pub submitted_at: i64,
    /// `pending` or `graded`.
    pub grading_status: String,
    /// Score once graded, hundredths.
    pub score_hundredths: Option<i64>,
    /// Maximum, hundredths.
    pub max_score_hundredths: i64,
    /// 1 passed, 0 failed, none while pending.
    pub passed: Option<i64>,
    /// `student` or `deadline`.
    pub submit_reason: Option<String>,
}

const SUBMISSION: &str = "SELECT id, exam_id, student_id, submitted_at, grading_status, score_hundredths, \
     max_score_hundredths, passed, submit_reason FROM attempts WHERE status = 'submitted'";

/// Graded submissions only.
const GRADED: &str = "grading_status = 'graded' AND score_hundredths IS NOT NULL";

/// Every submission.
pub async fn submissions_total(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE status = 'submitted'").fetch_one(db.pool()).await
}

/// Submissions in `[from, to)`.
pub async fn submissions_between(db: &Db, from: i64, to: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts WHERE status = 'submitted' AND submitted_at >= ? AND submitted_at < ?",
    )
    .bind(from)
    .bind(to)
    .fetch_one(db.pool())
    .await
}

/// Attempts started in `[from, to)` (submitted or not).
pub async fn started_between(db: &Db, from: i64, to: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE started_at >= ? AND started_at < ?")
        .bind(from)
        .bind(to)
        .fetch_one(db.pool())
        .await
}

/// Distinct exams with a submission in `[from, to)`.
pub async fn exams_sat_between(db: &Db, from: i64, to: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(DISTINCT exam_id) FROM attempts WHERE status = 'submitted' AND submitted_at >= ? AND submitted_at < ?",
    )
    .bind(from)
    .bind(to)
    .fetch_one(db.pool())
    .await
}

/// Submissions per UTC day in `[from, to)`: (day start in ms, count), days without any omitted.
pub async fn submissions_per_day(db: &Db, from: i64, to: i64) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT submitted_at - submitted_at % 86400000 AS day, COUNT(*) FROM attempts \
         WHERE status = 'submitted' AND submitted_at >= ? AND submitted_at < ? \
         GROUP BY submitted_at - submitted_at % 86400000 ORDER BY day",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await
}

/// Submissions of each of these exams, by exam id (exams without any are left out).
pub async fn submissions_per_exam(db: &Db, exam_ids: &[&str]) -> sqlx::Result<HashMap<String, i64>> {
    let sql =
        "SELECT exam_id, COUNT(*) FROM attempts WHERE status = 'submitted' AND exam_id IN ({ids}) GROUP BY exam_id";
    let rows: Vec<(String, i64)> = fetch_by_ids(db, sql, exam_ids).await?;
    Ok(rows.into_iter().collect())
}

/// Graded submissions in `[from, to)`, in no particular order.
pub async fn graded_between(db: &Db, from: i64, to: i64) -> sqlx::Result<Vec<Submission>> {
    sqlx::query_as(&format!("{SUBMISSION} AND {GRADED} AND submitted_at >= ? AND submitted_at < ?"))
        .bind(from)
        .bind(to)
        .fetch_all(db.pool())
        .await
}

/// Graded submissions per fifth of the maximum score: up to 20 % (included), up to 40 %, up to
/// 60 %, up to 80 %, above (exact integer comparisons).
pub async fn score_bands(db: &Db) -> sqlx::Result<[i64; 5]> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT CASE WHEN score_hundredths * 5 <= max_score_hundredths THEN 0 \
         WHEN score_hundredths * 5 <= 2 * max_score_hundredths THEN 1 \
         WHEN score_hundredths * 5 <= 3 * max_score_hundredths THEN 2 \
         WHEN score_hundredths * 5 <= 4 * max_score_hundredths THEN 3 ELSE 4 END AS band, COUNT(*) \
         FROM attempts WHERE status = 'submitted' AND {GRADED} GROUP BY band"
    ))
    .fetch_all(db.pool())
    .await?;
    let mut bands = [0; 5];
    for (band, n) in rows {
        if let Some(slot) = usize::try_from(band).ok().and_then(|b| bands.get_mut(b)) {
            *slot = n;
        }
    }
    Ok(bands)
}

/// Up to `limit` students with at least `min_exams` graded submissions, best mean percentage
/// first (then more submissions, then id): (student id, graded submissions, sum of percentages).
pub async fn best_students(db: &Db, min_exams: i64, limit: i64) -> sqlx::Result<Vec<(String, i64, f64)>> {
    sqlx::query_as(&format!(
        "SELECT g.student_id, g.n, g.total FROM \
         (SELECT student_id, COUNT(*) AS n, CAST(SUM(score_hundredths * 100.0 / max_score_hundredths) AS DOUBLE) AS total \
          FROM attempts WHERE status = 'submitted' AND {GRADED} \
          AND max_score_hundredths > 0 GROUP BY student_id HAVING COUNT(*) >= ? \
          ORDER BY SUM(score_hundredths * 100.0 / max_score_hundredths) / COUNT(*) DESC, COUNT(*) DESC, student_id \
          LIMIT ?) g \
         ORDER BY g.total / g.n DESC, g.n DESC, g.student_id"
    ))
    .bind(min_exams)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// The latest `limit` submissions, newest first (ties by id, descending).
pub async fn latest_submissions(db: &Db, limit: i64) -> sqlx::Result<Vec<Submission>> {
    sqlx::query_as(&format!("{SUBMISSION} ORDER BY submitted_at DESC, id DESC LIMIT ?"))
        .bind(limit)
        .fetch_all(db.pool())
        .await
}

/// The next `limit` submissions of `[from, to)` after the keyset cursor `after` = (submitted_at,
/// id), in that order; only those of `exam_ids` when set (an empty list: none).
pub async fn submissions_page(
    db: &Db,
    from: i64,
    to: i64,
    exam_ids: Option<&[&str]>,
    after: &(i64, String),
    limit: i64,
) -> sqlx::Result<Vec<Submission>> {
    let Some(exam_ids) = exam_ids else { return page(db, from, to, None, after, limit).await };
    // One query per 500 exams; the page is the first `limit` rows of their pages merged.
    let mut rows = Vec::new();
    for chunk in exam_ids.chunks(500) {
        rows.extend(page(db, from, to, Some(chunk), after, limit).await?);
    }
    if exam_ids.len() > 500 {
        rows.sort_by(|a, b| (a.submitted_at, &a.id).cmp(&(b.submitted_at, &b.id)));
        rows.truncate(usize::try_from(limit).unwrap_or(0));
    }
    Ok(rows)
}

/// One query of [`submissions_page`]: an index range scan on (status, submitted_at, id), never a
/// sort of the whole range.
async fn page(
    db: &Db,
    from: i64,
    to: i64,
    exam_ids: Option<&[&str]>,
    after: &(i64, String),
    limit: i64,
) -> sqlx::Result<Vec<Submission>> {
    let among = exam_ids.map_or(String::new(), |ids| format!("AND exam_id IN ({})", placeholders(ids.len())));
    let sql = format!(
        "{SUBMISSION} AND submitted_at >= ? AND submitted_at < ? {among} AND (submitted_at > ? OR id > ?) \
         ORDER BY submitted_at, id LIMIT ?"
    );
    // The cursor's time is the range's lower bound; the OR then skips the rows of that same
    // millisecond already sent.
    let mut query = sqlx::query_as(&sql).bind(from.max(after.0)).bind(to);
    for id in exam_ids.unwrap_or_default() {
        query = query.bind(*id);
    }
    query.bind(after.0).bind(&after.1).bind(limit).fetch_all(db.pool()).await
}

/// Every submission of an exam, by id.
pub async fn submissions_of_exam(db: &Db, exam_id: &str) -> sqlx::Result<Vec<Submission>> {
    sqlx::query_as(&format!("{SUBMISSION} AND exam_id = ? ORDER BY id")).bind(exam_id).fetch_all(db.pool()).await
}

/// Every submission of a student, oldest first (ties by id).
pub async fn submissions_of_student(db: &Db, student_id: &str) -> sqlx::Result<Vec<Submission>> {
    sqlx::query_as(&format!("{SUBMISSION} AND student_id = ? ORDER BY submitted_at, id"))
        .bind(student_id)
        .fetch_all(db.pool())
        .await
}

/// (attempt id, question id, score in hundredths) of every scored answer of an exam's graded
/// submissions.
pub async fn graded_answers_of_exam(db: &Db, exam_id: &str) -> sqlx::Result<Vec<(String, String, i64)>> {
    graded_answers(db, "s.attempt_id", "a.exam_id", exam_id).await
}

/// (exam id, question id, score in hundredths) of every scored answer of a student's graded
/// submissions.
pub async fn graded_answers_of_student(db: &Db, student_id: &str) -> sqlx::Result<Vec<(String, String, i64)>> {
    graded_answers(db, "a.exam_id", "a.student_id", student_id).await
}

/// (`key`, question id, score) of the scored answers of graded submissions whose `filter`
/// column equals `value` (`key` and `filter` are this module's own column names).
async fn graded_answers(db: &Db, key: &str, filter: &str, value: &str) -> sqlx::Result<Vec<(String, String, i64)>> {
    let sql = format!(
        "SELECT {key}, s.question_id, s.score_hundredths FROM answers s JOIN attempts a ON a.id = s.attempt_id \
         WHERE {filter} = ? AND a.status = 'submitted' AND a.grading_status = 'graded' AND s.score_hundredths IS NOT NULL"
    );
    sqlx::query_as(&sql).bind(value).fetch_all(db.pool()).await
}

/// The questions of an exam that any of its attempts answered (submitted or not), by id.
pub async fn answered_questions_of_exam(db: &Db, exam_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT DISTINCT s.question_id FROM answers s JOIN attempts a ON a.id = s.attempt_id \
         WHERE a.exam_id = ? ORDER BY s.question_id",
    )
    .bind(exam_id)
    .fetch_all(db.pool())
    .await
}
