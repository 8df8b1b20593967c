//! The figures of one exam and of one student, assembled once and shown by the page, the PDF and
//! the CSV alike (so the three never disagree).

pub(in crate::analytics) mod index;
pub mod queries;
pub mod stats;
pub(in crate::analytics) mod views;

use std::collections::{BTreeMap, HashMap};

use super::anomaly_source::{self, ByType};
use crate::accounts::model::User;
use crate::attempts::facts;
use crate::db::{Db, now_ms};
use crate::exams::model::Exam;
use crate::exams::questions::queries::QuestionSummary;
use queries::{self as q, HistoryRow};
use stats::{Copy, Item, ItemStats, Score, ScoreSummary};

/// One question with its item analysis.
#[derive(Clone, Debug)]
pub struct ItemLine {
    /// The question.
    pub question: QuestionSummary,
    /// Its figures.
    pub stats: ItemStats,
}

/// Everything about one exam.
#[derive(Clone, Debug)]
pub struct ExamReport {
    /// Exam id.
    pub exam_id: String,
    /// Title.
    pub title: String,
    /// Teacher's name.
    pub teacher_name: String,
    /// Pass mark in percent.
    pub pass_mark: i64,
    /// When the report was made (UTC ms).
    pub generated_at: i64,
    /// Submitted copies (graded or not).
    pub submissions: usize,
    /// Copies still waiting for a grade.
    pub pending: usize,
    /// Figures over graded copies.
    pub summary: ScoreSummary,
    /// Item analysis, in question order.
    pub items: Vec<ItemLine>,
    /// Anomalies of the exam's attempts per type.
    pub anomalies: ByType,
    /// Confirmed anomalies with what explains them, oldest first.
    pub flags: Vec<anomaly_source::ExplainedAnomaly>,
}

/// Builds the report of `exam`.
pub async fn exam_report(db: &Db, exam: &Exam) -> sqlx::Result<ExamReport> {
    let attempts = facts::submissions_of_exam(db, &exam.id).await?;
    let teacher_name = crate::accounts::queries::find(db, &exam.teacher_id).await?.map(|u| u.name).unwrap_or_default();
    let mut copies: HashMap<String, Copy> = HashMap::new();
    let mut scores = Vec::new();
    for a in attempts.iter().filter(|a| a.grading_status == "graded") {
        let percent = stats::percent(a.score_hundredths.unwrap_or(0), a.max_score_hundredths);
        scores.push(Score { percent, passed: a.passed == Some(1) });
        copies.insert(a.id.clone(), Copy { id: a.id.clone(), percent, scores: HashMap::new() });
    }
    for (attempt_id, question_id, score) in facts::graded_answers_of_exam(db, &exam.id).await? {
        if let Some(copy) = copies.get_mut(&attempt_id) {
            copy.scores.insert(question_id, score);
        }
    }
    let questions = q::exam_questions(db, &exam.id).await?;
    let items: Vec<Item> = questions.iter().map(|q| Item { id: q.id.clone(), points: q.points_hundredths }).collect();
    let copies: Vec<Copy> = copies.into_values().collect();
    let analysis = stats::item_analysis(&items, &copies);
    Ok(ExamReport {
        exam_id: exam.id.clone(),
        title: exam.title.clone(),
        teacher_name,
        pass_mark: exam.pass_mark_percent,
        generated_at: now_ms(),
        submissions: attempts.len(),
        pending: attempts.iter().filter(|a| a.grading_status != "graded").count(),
        summary: stats::summarize(&scores),
        items: questions.into_iter().zip(analysis).map(|(question, stats)| ItemLine { question, stats }).collect(),
        anomalies: anomaly_source::by_type_for_exam(db, &exam.id).await?,
        flags: anomaly_source::explained_for_exam(db, &exam.id).await?,
    })
}

/// A student's result on one kind of question.
#[derive(Clone, Debug, PartialEq)]
pub struct KindRate {
    /// Question kind (`mcq`, …).
    pub kind: String,
    /// Graded answers of that kind.
    pub answers: usize,
    /// Points earned over points possible, percent.
    pub rate: f64,
}

/// Everything about one student.
#[derive(Clone, Debug)]
pub struct UserReport {
    /// The student.
    pub user_id: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// When the report was made.
    pub generated_at: i64,
    /// Submitted exams, oldest first.
    pub history: Vec<HistoryRow>,
    /// Figures over graded (and, for the student, released) results.
    pub summary: ScoreSummary,
    /// Result per question kind, best first.
    pub kinds: Vec<KindRate>,
    /// Anomalies over the student's attempts per type.
    pub anomalies: ByType,
}

impl UserReport {
    /// Up to three kinds above 50 %, best first.
    pub fn strongest(&self) -> Vec<&KindRate> {
        self.kinds.iter().filter(|k| k.rate > 50.0).take(3).collect()
    }

    /// Up to three kinds below 50 %, weakest first.
    pub fn weakest(&self) -> Vec<&KindRate> {
        self.kinds.iter().rev().filter(|k| k.rate < 50.0).take(3).collect()
    }

    /// Total anomalies.
    pub fn total_anomalies(&self) -> i64 {
        self.anomalies.iter().map(|(_, n)| n).sum()
    }
}

/// Builds the report of `user`; `released_only` hides scores not yet released (the student's view).
pub async fn user_report(db: &Db, user: &User, released_only: bool) -> sqlx::Result<UserReport> {
    let history = q::history(db, &user.id, released_only).await?;
    let scores: Vec<Score> = history
        .iter()
        .filter(|h| h.grading_status == "graded")
        .map(|h| Score {
            percent: stats::percent(h.score_hundredths.unwrap_or(0), h.max_score_hundredths),
            passed: h.passed == Some(1),
        })
        .collect();
    let rows = q::answers_by_kind(db, &user.id, released_only).await?;
    Ok(UserReport {
        user_id: user.id.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        generated_at: now_ms(),
        summary: stats::summarize(&scores),
        history,
        kinds: kind_rates(&rows),
        anomalies: anomaly_source::by_type_for_user(db, &user.id).await?,
    })
}

/// Rates per kind from (kind, earned, possible) answers, best first (ties by kind).
pub fn kind_rates(rows: &[(String, i64, i64)]) -> Vec<KindRate> {
    let mut sums: BTreeMap<&str, (usize, i64, i64)> = BTreeMap::new();
    for (kind, earned, possible) in rows {
        let e = sums.entry(kind.as_str()).or_default();
        *e = (e.0 + 1, e.1 + earned, e.2 + possible);
    }
    let mut out: Vec<KindRate> = sums
        .into_iter()
        .map(|(kind, (answers, earned, possible))| KindRate {
            kind: kind.to_owned(),
            answers,
            rate: stats::percent(earned, possible),
        })
        .collect();
    out.sort_by(|a, b| b.rate.total_cmp(&a.rate).then_with(|| a.kind.cmp(&b.kind)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_rates_pool_points_per_kind() {
        let rows = vec![
            ("mcq".to_owned(), 100, 100),
            ("mcq".to_owned(), 0, 100),
            ("essay".to_owned(), 300, 400),
            ("true_false".to_owned(), 0, 100),
        ];
        let rates = kind_rates(&rows);
        let got: Vec<(&str, usize, f64)> = rates.iter().map(|k| (k.kind.as_str(), k.answers, k.rate)).collect();
        assert_eq!(got, [("essay", 1, 75.0), ("mcq", 2, 50.0), ("true_false", 1, 0.0)]);
    }
}
