//! Exams domain values.

/// Lifecycle of an exam.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExamStatus {
    /// Being written; invisible to students.
    Draft,
    /// Visible in the catalogue.
    Published,
    /// Soft-deleted.
    Deleted,
}

impl ExamStatus {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ExamStatus::Draft => "draft",
            ExamStatus::Published => "published",
            ExamStatus::Deleted => "deleted",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Published, Self::Deleted].into_iter().find(|x| x.as_str() == s)
    }

    /// i18n key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            ExamStatus::Draft => "exam.status.draft",
            ExamStatus::Published => "exam.status.published",
            ExamStatus::Deleted => "exam.status.deleted",
        }
    }
}

/// An exam as listed.
#[derive(Clone, Debug)]
pub struct ExamSummary {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Duration in minutes (5–300).
    pub duration_minutes: i64,
    /// Status.
    pub status: ExamStatus,
    /// Teacher's display name.
    pub teacher_name: String,
    /// Number of slots starting in the future.
    pub upcoming_slots: i64,
    /// Start of the next slot, UTC ms.
    pub next_slot_at: Option<i64>,
}

/// A new exam (validated by the caller).
#[derive(Clone, Debug)]
pub struct NewExam {
    /// Owner.
    pub teacher_id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Duration in minutes.
    pub duration_minutes: i64,
    /// Initial status.
    pub status: ExamStatus,
}
