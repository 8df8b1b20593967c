//! Read side of grading: results tables, copies, the review queue. The scores come from the
//! attempts (which keep them), the titles from the exams, the names from the accounts.

use crate::attempts::grades::{self, Sheet, Unscored};
use crate::db::Db;
use crate::exams::queries as exams;

pub use crate::attempts::grades::ScoredAnswer as AnswerRow;

/// One submitted attempt in an exam's results table.
#[derive(Clone, Debug)]
pub struct ResultRow {
    /// The attempt and its grade.
    pub sheet: Sheet,
    /// Student's name (from the accounts).
    pub student_name: String,
    /// Student's email (from the accounts).
    pub student_email: String,
}

/// The submitted attempts of an exam, newest first.
pub async fn results_for_exam(db: &Db, exam_id: &str) -> sqlx::Result<Vec<ResultRow>> {
    let sheets = grades::submitted_of_exam(db, exam_id).await?;
    let students: Vec<&str> = sheets.iter().map(|r| r.student_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &students).await?;
    Ok(sheets
        .into_iter()
        .map(|sheet| {
            let (student_name, student_email) = names.get(&sheet.student_id).cloned().unwrap_or_default();
            ResultRow { sheet, student_name, student_email }
        })
        .collect())
}

/// The answers of an attempt.
pub async fn answers(db: &Db, attempt_id: &str) -> sqlx::Result<Vec<AnswerRow>> {
    grades::answers(db, attempt_id).await
}

/// An attempt waiting for a teacher.
#[derive(Clone, Debug)]
pub struct PendingRow {
    /// The attempt and how many answers wait.
    pub unscored: Unscored,
    /// Exam title.
    pub exam_title: String,
    /// Student's name (from the accounts).
    pub student_name: String,
}

/// Attempts with ungraded answers, oldest first; `teacher_id` None = every exam (admin).
pub async fn review_queue(db: &Db, teacher_id: Option<&str>) -> sqlx::Result<Vec<PendingRow>> {
    let rows = match teacher_id {
        None => grades::unscored(db, None).await?,
        Some(teacher) => {
            let ids = exams::ids_of_teacher(db, teacher).await?;
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            grades::unscored(db, Some(&ids)).await?
        }
    };
    let exam_ids: Vec<&str> = rows.iter().map(|r| r.exam_id.as_str()).collect();
    let titles = exams::titles(db, &exam_ids).await?;
    let students: Vec<&str> = rows.iter().map(|r| r.student_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &students).await?;
    Ok(rows
        .into_iter()
        .map(|unscored| PendingRow {
            exam_title: titles.get(&unscored.exam_id).cloned().unwrap_or_default(),
            student_name: names.get(&unscored.student_id).map(|(name, _)| name.clone()).unwrap_or_default(),
            unscored,
        })
        .collect())
}

/// A student's attempt with its exam, for their results list.
#[derive(Clone, Debug)]
pub struct MyResultRow {
    /// The attempt and its grade.
    pub sheet: Sheet,
    /// Exam title.
    pub exam_title: String,
    /// Whether the exam's results are out (immediate release, or released by the teacher).
    pub released: bool,
}

impl MyResultRow {
    /// Whether the student may see the score now.
    pub fn visible(&self) -> bool {
        self.sheet.grading_status == "graded" && self.released
    }
}

/// Every attempt of a student, newest first.
pub async fn results_of_student(db: &Db, student_id: &str) -> sqlx::Result<Vec<MyResultRow>> {
    let sheets = grades::of_student(db, student_id).await?;
    let ids: Vec<&str> = sheets.iter().map(|s| s.exam_id.as_str()).collect();
    let exams = exams::get_many(db, &ids).await?;
    Ok(sheets
        .into_iter()
        .filter_map(|sheet| {
            let exam = exams.get(&sheet.exam_id)?;
            Some(MyResultRow { exam_title: exam.title.clone(), released: exam.results_visible(), sheet })
        })
        .collect())
}
