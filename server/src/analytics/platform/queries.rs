//! Read side of the platform-wide figures (admin dashboard, platform report).
//!
//! Analytics is a read-only reporting context: it joins the tables of accounts, exams, attempts
//! and grading in one query where going through each owner's functions would mean N+1 queries.
//! It never writes to them. Submissions are attempts with `status = 'submitted'`; scores are
//! those of graded attempts. Day and hour buckets are UTC.

use sqlx::FromRow;

use crate::accounts::queries as accounts;
use crate::db::Db;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// Submitted attempts in `[from, to)`.
pub async fn submissions_between(db: &Db, from: i64, to: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts WHERE status = 'submitted' AND submitted_at >= ? AND submitted_at < ?",
    )
    .bind(from)
    .bind(to)
    .fetch_one(db.pool())
    .await
}

/// Every submitted attempt.
pub async fn submissions_total(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE status = 'submitted'").fetch_one(db.pool()).await
}

/// Attempts started in `[from, to)` (submitted or not).
pub async fn attempts_started_between(db: &Db, from: i64, to: i64) -> sqlx::Result<i64> {
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

/// One graded submission, as the platform figures need it.
#[derive(Clone, Debug, FromRow)]
pub struct GradedRow {
    /// Student.
    pub student_id: String,
    /// Exam.
    pub exam_id: String,
    /// Score, hundredths.
    pub score_hundredths: i64,
    /// Maximum, hundredths.
    pub max_score_hundredths: i64,
    /// 1 when passed.
    pub passed: i64,
}

/// Graded submissions in `[from, to)` (one scan gives the distribution and the top performers).
pub async fn graded_between(db: &Db, from: i64, to: i64) -> sqlx::Result<Vec<GradedRow>> {
    sqlx::query_as(
        "SELECT student_id, exam_id, score_hundredths, max_score_hundredths, COALESCE(passed, 0) AS passed \
         FROM attempts WHERE status = 'submitted' AND grading_status = 'graded' AND score_hundredths IS NOT NULL \
         AND submitted_at >= ? AND submitted_at < ?",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await
}

/// Graded submissions per score band of `stats::BANDS` (exact integer comparisons).
pub async fn score_bands(db: &Db) -> sqlx::Result<[i64; 5]> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT CASE WHEN score_hundredths * 5 <= max_score_hundredths THEN 0 \
         WHEN score_hundredths * 5 <= 2 * max_score_hundredths THEN 1 \
         WHEN score_hundredths * 5 <= 3 * max_score_hundredths THEN 2 \
         WHEN score_hundredths * 5 <= 4 * max_score_hundredths THEN 3 ELSE 4 END AS band, COUNT(*) \
         FROM attempts WHERE status = 'submitted' AND grading_status = 'graded' AND score_hundredths IS NOT NULL \
         GROUP BY band",
    )
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

/// Students with at least `min_exams` graded submissions, best mean percentage first:
/// (student id, name, graded exams, sum of percentages).
pub async fn top_students(db: &Db, min_exams: i64, limit: i64) -> sqlx::Result<Vec<(String, String, i64, f64)>> {
    let rows: Vec<(String, i64, f64)> = sqlx::query_as(
        "SELECT g.student_id, g.n, g.total FROM \
         (SELECT student_id, COUNT(*) AS n, CAST(SUM(score_hundredths * 100.0 / max_score_hundredths) AS DOUBLE) AS total \
          FROM attempts WHERE status = 'submitted' AND grading_status = 'graded' AND score_hundredths IS NOT NULL \
          AND max_score_hundredths > 0 GROUP BY student_id HAVING COUNT(*) >= ? \
          ORDER BY SUM(score_hundredths * 100.0 / max_score_hundredths) / COUNT(*) DESC, COUNT(*) DESC, student_id \
          LIMIT ?) g \
         ORDER BY g.total / g.n DESC, g.n DESC, g.student_id",
    )
    .bind(min_exams)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let ids: Vec<&str> = rows.iter().map(|(id, _, _)| id.as_str()).collect();
    let names = accounts::names(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n, total)| names.get(&id).map(|(name, _)| name.clone()).map(|name| (id, name, n, total)))
        .collect())
}

/// A recent submission with names.
#[derive(Clone, Debug, FromRow)]
pub struct RecentSubmission {
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
    /// When submitted.
    pub submitted_at: i64,
    /// `pending` or `graded`.
    pub grading_status: String,
    /// Score once graded.
    pub score_hundredths: Option<i64>,
    /// Maximum.
    pub max_score_hundredths: i64,
}

/// The latest submissions, newest first.
pub async fn recent_submissions(db: &Db, limit: i64) -> sqlx::Result<Vec<RecentSubmission>> {
    let mut rows: Vec<RecentSubmission> = sqlx::query_as(
        "SELECT a.id AS attempt_id, a.exam_id, e.title AS exam_title, a.student_id, \
         a.submitted_at, a.grading_status, a.score_hundredths, a.max_score_hundredths \
         FROM (SELECT id, exam_id, student_id, submitted_at, grading_status, score_hundredths, max_score_hundredths \
               FROM attempts WHERE status = 'submitted' ORDER BY submitted_at DESC, id DESC LIMIT ?) a \
         JOIN exams e ON e.id = a.exam_id \
         ORDER BY a.submitted_at DESC, a.id DESC",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let ids: Vec<&str> = rows.iter().map(|r| r.student_id.as_str()).collect();
    let names = accounts::names(db, &ids).await?;
    for row in &mut rows {
        row.student_name = names.get(&row.student_id).map(|(name, _)| name.clone()).unwrap_or_default();
    }
    Ok(rows)
}

/// Names of users by id (for the top performers).
pub async fn user_names(db: &Db, ids: &[String]) -> sqlx::Result<Vec<(String, String)>> {
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let names = accounts::names(db, &refs).await?;
    Ok(ids.iter().filter_map(|id| names.get(id).map(|(name, _)| (id.clone(), name.clone()))).collect())
}

/// Accounts created in `[from, to)` per role.
pub async fn new_users_by_role(db: &Db, from: i64, to: i64) -> sqlx::Result<Vec<(String, i64)>> {
    accounts::created_by_role(db, from, to).await
}

/// Titles and teachers' names of exams by id.
pub async fn exam_labels(db: &Db, ids: &[String]) -> sqlx::Result<Vec<(String, String, String)>> {
    let mut exams = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<(String, String, String)> =
            sqlx::query_as("SELECT id, title, teacher_id FROM exams WHERE id = ?")
                .bind(id)
                .fetch_optional(db.pool())
                .await?;
        exams.extend(row);
    }
    let teachers: Vec<&str> = exams.iter().map(|(_, _, teacher)| teacher.as_str()).collect();
    let names = accounts::names(db, &teachers).await?;
    Ok(exams
        .into_iter()
        .map(|(id, title, teacher)| {
            let name = names.get(&teacher).map(|(name, _)| name.clone()).unwrap_or_default();
            (id, title, name)
        })
        .collect())
}

/// An exam found by the report search.
#[derive(Clone, Debug, FromRow)]
pub struct ExamHit {
    /// Exam.
    pub id: String,
    /// Title.
    pub title: String,
    /// Teacher.
    pub teacher_id: String,
    /// Teacher's name (from the accounts).
    #[sqlx(default)]
    pub teacher_name: String,
    /// `draft`, `published` or `deleted`.
    pub status: String,
    /// Submitted attempts.
    pub submissions: i64,
}

/// Exams whose title contains `q` (case-insensitive), a teacher's own only when `teacher` is set.
pub async fn search_exams(db: &Db, q: &str, teacher: Option<&str>, limit: i64) -> sqlx::Result<Vec<ExamHit>> {
    let pattern = format!("%{}%", q.trim().to_lowercase().replace('!', "!!").replace('%', "!%").replace('_', "!_"));
    let mut hits: Vec<ExamHit> = sqlx::query_as(
        "SELECT e.id, e.title, e.teacher_id, e.status, \
         (SELECT COUNT(*) FROM attempts a WHERE a.exam_id = e.id AND a.status = 'submitted') AS submissions \
         FROM exams e \
         WHERE LOWER(e.title) LIKE ? ESCAPE '!' AND (? IS NULL OR e.teacher_id = ?) \
         ORDER BY e.updated_at DESC, e.id LIMIT ?",
    )
    .bind(pattern)
    .bind(teacher)
    .bind(teacher)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let ids: Vec<&str> = hits.iter().map(|h| h.teacher_id.as_str()).collect();
    let names = accounts::names(db, &ids).await?;
    for hit in &mut hits {
        hit.teacher_name = names.get(&hit.teacher_id).map(|(name, _)| name.clone()).unwrap_or_default();
    }
    Ok(hits)
}

/// One row of the submissions export.
#[derive(Clone, Debug, FromRow)]
pub struct SubmissionRow {
    /// Attempt.
    pub attempt_id: String,
    /// When submitted.
    pub submitted_at: i64,
    /// Student.
    pub student_id: String,
    /// Student's name (from the accounts).
    #[sqlx(default)]
    pub student_name: String,
    /// Student's email (from the accounts).
    #[sqlx(default)]
    pub student_email: String,
    /// Exam title.
    pub exam_title: String,
    /// Teacher.
    pub teacher_id: String,
    /// Teacher's name (from the accounts).
    #[sqlx(default)]
    pub teacher_name: String,
    /// `pending` or `graded`.
    pub grading_status: String,
    /// Score once graded.
    pub score_hundredths: Option<i64>,
    /// Maximum.
    pub max_score_hundredths: i64,
    /// 1 passed, 0 failed, none while pending.
    pub passed: Option<i64>,
    /// `student` or `deadline`.
    pub submit_reason: Option<String>,
}

/// Which submissions an export covers.
#[derive(Clone, Debug)]
pub struct SubmissionFilter {
    /// Range start (UTC ms).
    pub from: i64,
    /// Range end, exclusive.
    pub to: i64,
    /// Only this teacher's exams (a teacher's export).
    pub teacher_id: Option<String>,
    /// Only this exam.
    pub exam_id: Option<String>,
}

/// The next page of submissions after the keyset cursor `(submitted_at, id)`, in that order.
pub async fn submissions_page(
    db: &Db,
    f: &SubmissionFilter,
    after: &(i64, String),
    limit: i64,
) -> sqlx::Result<Vec<SubmissionRow>> {
    // The page is chosen from `attempts` alone in a derived table (an index range scan on
    // (status, submitted_at, id), never a sort of the whole range), then joined to its exam; the
    // names come from the accounts, one batch per page.
    let mut rows: Vec<SubmissionRow> = sqlx::query_as(
        "SELECT a.id AS attempt_id, a.submitted_at, a.student_id, \
         e.title AS exam_title, e.teacher_id, a.grading_status, a.score_hundredths, a.max_score_hundredths, \
         a.passed, a.submit_reason \
         FROM (SELECT id, exam_id, student_id, submitted_at, grading_status, score_hundredths, max_score_hundredths, \
               passed, submit_reason FROM attempts \
               WHERE status = 'submitted' AND submitted_at >= ? AND submitted_at < ? \
               AND (? IS NULL OR exam_id IN (SELECT id FROM exams WHERE teacher_id = ?)) AND (? IS NULL OR exam_id = ?) \
               AND (submitted_at > ? OR id > ?) \
               ORDER BY submitted_at, id LIMIT ?) a \
         JOIN exams e ON e.id = a.exam_id \
         ORDER BY a.submitted_at, a.id",
    )
    // The cursor's time is the range's lower bound; the OR then skips the rows of that same
    // millisecond already sent.
    .bind(f.from.max(after.0))
    .bind(f.to)
    .bind(f.teacher_id.as_deref())
    .bind(f.teacher_id.as_deref())
    .bind(f.exam_id.as_deref())
    .bind(f.exam_id.as_deref())
    .bind(after.0)
    .bind(&after.1)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut ids: Vec<&str> = rows.iter().map(|r| r.student_id.as_str()).collect();
    ids.extend(rows.iter().map(|r| r.teacher_id.as_str()));
    let names = accounts::names(db, &ids).await?;
    for row in &mut rows {
        if let Some((name, email)) = names.get(&row.student_id) {
            (row.student_name, row.student_email) = (name.clone(), email.clone());
        }
        row.teacher_name = names.get(&row.teacher_id).map(|(name, _)| name.clone()).unwrap_or_default();
    }
    Ok(rows)
}
