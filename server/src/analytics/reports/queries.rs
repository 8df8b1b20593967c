//! Read side of one exam's and one student's analytics that needs more than one owner: answers
//! and submissions come from the attempts' facts, questions, titles and release rules from the
//! exams, joined here by id with one lookup per list.

use crate::attempts::facts;
use crate::db::Db;
use crate::exams::model::Exam;
use crate::exams::queries as exams;
use crate::exams::questions::queries::{self as questions, QuestionSummary};

/// The live questions of an exam, plus deleted ones that copies answered, in order.
pub async fn exam_questions(db: &Db, exam_id: &str) -> sqlx::Result<Vec<QuestionSummary>> {
    let answered = facts::answered_questions_of_exam(db, exam_id).await?;
    let answered: Vec<&str> = answered.iter().map(String::as_str).collect();
    questions::live_and_answered(db, exam_id, &answered).await
}

/// One exam in a student's history.
#[derive(Clone, Debug)]
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

/// A student's submitted attempts, oldest first. With `released_only`, graded scores the student
/// may not see yet (their exam's results are not released) are reported as pending.
pub async fn history(db: &Db, student_id: &str, released_only: bool) -> sqlx::Result<Vec<HistoryRow>> {
    let submissions = facts::submissions_of_student(db, student_id).await?;
    let ids: Vec<&str> = submissions.iter().map(|s| s.exam_id.as_str()).collect();
    let found = exams::get_many(db, &ids).await?;
    Ok(submissions
        .into_iter()
        .filter_map(|s| {
            let exam = found.get(&s.exam_id)?;
            let hidden = released_only && !exam.results_visible();
            Some(HistoryRow {
                attempt_id: s.id,
                exam_title: exam.title.clone(),
                exam_id: s.exam_id,
                submitted_at: s.submitted_at,
                grading_status: if hidden { "pending".to_owned() } else { s.grading_status },
                score_hundredths: s.score_hundredths.filter(|_| !hidden),
                max_score_hundredths: s.max_score_hundredths,
                passed: s.passed.filter(|_| !hidden),
            })
        })
        .collect())
}

/// (question kind, points earned, full marks) of every graded answer of a student, only those of
/// exams whose results are released with `released_only`.
pub async fn answers_by_kind(db: &Db, student_id: &str, released_only: bool) -> sqlx::Result<Vec<(String, i64, i64)>> {
    let mut answers = facts::graded_answers_of_student(db, student_id).await?;
    if released_only {
        let ids: Vec<&str> = answers.iter().map(|(exam_id, _, _)| exam_id.as_str()).collect();
        let found = exams::get_many(db, &ids).await?;
        answers.retain(|(exam_id, _, _)| found.get(exam_id).is_some_and(Exam::results_visible));
    }
    let ids: Vec<&str> = answers.iter().map(|(_, question_id, _)| question_id.as_str()).collect();
    let found = questions::summaries(db, &ids).await?;
    Ok(answers
        .iter()
        .filter_map(|(_, question_id, score)| {
            found.get(question_id).map(|q| (q.kind.clone(), *score, q.points_hundredths))
        })
        .collect())
}
