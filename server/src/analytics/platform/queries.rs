//! Read side of the platform-wide figures (admin dashboard, platform report, submissions
//! export) that need more than one owner: submissions come from the attempts' facts, titles and
//! teachers from the exams, names from the accounts, joined here by id with one lookup per list
//! or page. Day and hour buckets are UTC.

use std::collections::HashMap;

use crate::accounts::queries as accounts;
use crate::attempts::facts::{self, Submission};
use crate::db::Db;
use crate::exams::queries as exams;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// Students with at least `min_exams` graded submissions, best mean percentage first:
/// (student id, name, graded exams, sum of percentages).
pub async fn top_students(db: &Db, min_exams: i64, limit: i64) -> sqlx::Result<Vec<(String, String, i64, f64)>> {
    let rows = facts::best_students(db, min_exams, limit).await?;
    let ids: Vec<&str> = rows.iter().map(|(id, _, _)| id.as_str()).collect();
    let names = accounts::names(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n, total)| names.get(&id).map(|(name, _)| name.clone()).map(|name| (id, name, n, total)))
        .collect())
}

/// The name of `id` among `names` (empty when unknown).
fn name_of(names: &HashMap<String, (String, String)>, id: &str) -> String {
    names.get(id).map(|(name, _)| name.clone()).unwrap_or_default()
}

/// A recent submission with names.
#[derive(Clone, Debug)]
pub struct RecentSubmission {
    /// Attempt.
    pub attempt_id: String,
    /// Exam.
    pub exam_id: String,
    /// Exam title.
    pub exam_title: String,
    /// Student.
    pub student_id: String,
    /// Student's name.
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
    let latest = facts::latest_submissions(db, limit).await?;
    let exam_ids: Vec<&str> = latest.iter().map(|s| s.exam_id.as_str()).collect();
    let titles = exams::titles(db, &exam_ids).await?;
    let students: Vec<&str> = latest.iter().map(|s| s.student_id.as_str()).collect();
    let names = accounts::names(db, &students).await?;
    Ok(latest
        .into_iter()
        .filter_map(|s| {
            Some(RecentSubmission {
                exam_title: titles.get(&s.exam_id)?.clone(),
                student_name: name_of(&names, &s.student_id),
                attempt_id: s.id,
                exam_id: s.exam_id,
                student_id: s.student_id,
                submitted_at: s.submitted_at,
                grading_status: s.grading_status,
                score_hundredths: s.score_hundredths,
                max_score_hundredths: s.max_score_hundredths,
            })
        })
        .collect())
}

/// Accounts created in `[from, to)` per role.
pub async fn new_users_by_role(db: &Db, from: i64, to: i64) -> sqlx::Result<Vec<(String, i64)>> {
    accounts::created_by_role(db, from, to).await
}

/// Titles and teachers' names of exams by id, in the order of `ids` (unknown ids left out).
pub async fn exam_labels(db: &Db, ids: &[String]) -> sqlx::Result<Vec<(String, String, String)>> {
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let found = exams::get_many(db, &refs).await?;
    let teachers: Vec<&str> = found.values().map(|e| e.teacher_id.as_str()).collect();
    let names = accounts::names(db, &teachers).await?;
    Ok(ids
        .iter()
        .filter_map(|id| found.get(id))
        .map(|e| (e.id.clone(), e.title.clone(), name_of(&names, &e.teacher_id)))
        .collect())
}

/// An exam found by the report search.
#[derive(Clone, Debug)]
pub struct ExamHit {
    /// Exam.
    pub id: String,
    /// Title.
    pub title: String,
    /// Teacher.
    pub teacher_id: String,
    /// Teacher's name.
    pub teacher_name: String,
    /// `draft`, `published` or `deleted`.
    pub status: String,
    /// Submitted attempts.
    pub submissions: i64,
}

/// Exams whose title contains `q` (case-insensitive), a teacher's own only when `teacher` is set.
pub async fn search_exams(db: &Db, q: &str, teacher: Option<&str>, limit: i64) -> sqlx::Result<Vec<ExamHit>> {
    let found = exams::search_by_title(db, q, teacher, limit).await?;
    let ids: Vec<&str> = found.iter().map(|e| e.id.as_str()).collect();
    let submissions = facts::submissions_per_exam(db, &ids).await?;
    let teachers: Vec<&str> = found.iter().map(|e| e.teacher_id.as_str()).collect();
    let names = accounts::names(db, &teachers).await?;
    Ok(found
        .into_iter()
        .map(|e| ExamHit {
            submissions: submissions.get(&e.id).copied().unwrap_or(0),
            teacher_name: name_of(&names, &e.teacher_id),
            status: e.status.as_str().to_owned(),
            id: e.id,
            title: e.title,
            teacher_id: e.teacher_id,
        })
        .collect())
}

/// One row of the submissions export.
#[derive(Clone, Debug)]
pub struct SubmissionRow {
    /// Attempt.
    pub attempt_id: String,
    /// When submitted.
    pub submitted_at: i64,
    /// Student.
    pub student_id: String,
    /// Student's name.
    pub student_name: String,
    /// Student's email.
    pub student_email: String,
    /// Exam title.
    pub exam_title: String,
    /// Teacher.
    pub teacher_id: String,
    /// Teacher's name.
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
    /// Only these exams' submissions (an empty list: none); every exam's when `None`.
    pub exam_ids: Option<Vec<String>>,
}

impl SubmissionFilter {
    /// The submissions of `[from, to)`: only a teacher's own exams when `teacher_id` is set (a
    /// teacher's export), only `exam_id` when set.
    pub async fn new(
        db: &Db,
        from: i64,
        to: i64,
        teacher_id: Option<&str>,
        exam_id: Option<String>,
    ) -> sqlx::Result<Self> {
        let exam_ids = match teacher_id {
            None => exam_id.map(|id| vec![id]),
            Some(teacher) => {
                let mut ids = exams::ids_of_teacher(db, teacher).await?;
                if let Some(exam) = &exam_id {
                    ids.retain(|id| id == exam);
                }
                Some(ids)
            }
        };
        Ok(Self { from, to, exam_ids })
    }
}

/// The next page of submissions after the keyset cursor `(submitted_at, id)`, in that order; one
/// lookup of their exams and one of the names per page.
pub async fn submissions_page(
    db: &Db,
    f: &SubmissionFilter,
    after: &(i64, String),
    limit: i64,
) -> sqlx::Result<Vec<SubmissionRow>> {
    let only: Option<Vec<&str>> = f.exam_ids.as_ref().map(|ids| ids.iter().map(String::as_str).collect());
    let page: Vec<Submission> = facts::submissions_page(db, f.from, f.to, only.as_deref(), after, limit).await?;
    let exam_ids: Vec<&str> = page.iter().map(|s| s.exam_id.as_str()).collect();
    let found = exams::get_many(db, &exam_ids).await?;
    let mut people: Vec<&str> = page.iter().map(|s| s.student_id.as_str()).collect();
    people.extend(found.values().map(|e| e.teacher_id.as_str()));
    let names = accounts::names(db, &people).await?;
    Ok(page
        .into_iter()
        .filter_map(|s| {
            let exam = found.get(&s.exam_id)?;
            let (student_name, student_email) = names.get(&s.student_id).cloned().unwrap_or_default();
            Some(SubmissionRow {
                attempt_id: s.id,
                submitted_at: s.submitted_at,
                student_id: s.student_id,
                student_name,
                student_email,
                exam_title: exam.title.clone(),
                teacher_id: exam.teacher_id.clone(),
                teacher_name: name_of(&names, &exam.teacher_id),
                grading_status: s.grading_status,
                score_hundredths: s.score_hundredths,
                max_score_hundredths: s.max_score_hundredths,
                passed: s.passed,
                submit_reason: s.submit_reason,
            })
        })
        .collect())
}
