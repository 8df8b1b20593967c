//! Attempt domain values.

use std::collections::HashMap;

/// Lifecycle of an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptStatus {
    /// The student is answering.
    InProgress,
    /// Handed in (by the student, at the deadline, or by a proctor).
    Submitted,
}

impl AttemptStatus {
    /// Parses the stored form.
    pub fn parse(s: &str) -> Self {
        if s == "submitted" { Self::Submitted } else { Self::InProgress }
    }
}

/// Who or what ended the attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubmitReason {
    /// The student submitted.
    Student,
    /// The server submitted at the deadline.
    Deadline,
    /// A proctor stopped the exam (monitoring stopped with a note the student reads).
    Proctor,
}

impl SubmitReason {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            SubmitReason::Student => "student",
            SubmitReason::Deadline => "deadline",
            SubmitReason::Proctor => "proctor",
        }
    }
}

/// An attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// Id.
    pub id: String,
    /// Booking it belongs to (one attempt per booking: no retake).
    pub booking_id: String,
    /// Exam.
    pub exam_id: String,
    /// Student.
    pub student_id: String,
    /// Status.
    pub status: AttemptStatus,
    /// Start, UTC ms.
    pub started_at: i64,
    /// Server-side deadline, UTC ms.
    pub deadline_at: i64,
    /// Submission time.
    pub submitted_at: Option<i64>,
    /// Question ids in the order this student sees them.
    pub question_order: Vec<String>,
    /// Per MCQ question, the option order (original indices) this student sees.
    pub option_orders: HashMap<String, Vec<usize>>,
    /// `pending` until every answer has a score, then `graded`.
    pub graded: bool,
    /// Total score (hundredths) once graded.
    pub score: Option<i64>,
    /// Maximum score (hundredths).
    pub max_score: i64,
    /// Pass/fail once graded.
    pub passed: Option<bool>,
}

impl Attempt {
    /// The attempt as its monitoring session watches it.
    pub fn watched(&self) -> crate::monitoring::Watched<'_> {
        crate::monitoring::Watched {
            attempt_id: &self.id,
            exam_id: &self.exam_id,
            student_id: &self.student_id,
            deadline_at: self.deadline_at,
        }
    }

    /// 1-based number of a question in this attempt's order.
    pub fn number_of(&self, question_id: &str) -> Option<usize> {
        self.question_order.iter().position(|q| q == question_id).map(|i| i + 1)
    }
}
