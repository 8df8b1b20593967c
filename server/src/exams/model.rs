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

/// When students see their results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseMode {
    /// As soon as the attempt is graded.
    Immediate,
    /// When the teacher releases them.
    Manual,
}

impl ReleaseMode {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseMode::Immediate => "immediate",
            ReleaseMode::Manual => "manual",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "immediate" => Some(Self::Immediate),
            "manual" => Some(Self::Manual),
            _ => None,
        }
    }
}

/// An exam with all its settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Exam {
    /// Id.
    pub id: String,
    /// Owner.
    pub teacher_id: String,
    /// Title (plain text).
    pub title: String,
    /// Description (plain text).
    pub description: String,
    /// Duration, 5–300 minutes.
    pub duration_minutes: i64,
    /// Status.
    pub status: ExamStatus,
    /// Pass mark, percent of the maximum score.
    pub pass_mark_percent: i64,
    /// Questions in a different order for each student.
    pub shuffle_questions: bool,
    /// MCQ options in a different order for each student.
    pub shuffle_options: bool,
    /// When results reach students.
    pub release_mode: ReleaseMode,
    /// When the teacher released results (manual mode).
    pub results_released_at: Option<i64>,
    /// Creation time.
    pub created_at: i64,
}

impl Exam {
    /// Whether students may see graded results now.
    pub fn results_visible(&self) -> bool {
        self.release_mode == ReleaseMode::Immediate || self.results_released_at.is_some()
    }
}

/// Validated exam settings (create and edit).
#[derive(Clone, Debug, PartialEq)]
pub struct ExamSettings {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Duration in minutes (5–300).
    pub duration_minutes: i64,
    /// Pass mark percent (0–100).
    pub pass_mark_percent: i64,
    /// Shuffle questions.
    pub shuffle_questions: bool,
    /// Shuffle options.
    pub shuffle_options: bool,
    /// Release mode.
    pub release_mode: ReleaseMode,
}

/// A slot with its bookings count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Id.
    pub id: String,
    /// Exam.
    pub exam_id: String,
    /// Start, UTC ms.
    pub starts_at: i64,
    /// End = start + duration, computed by the server, UTC ms.
    pub ends_at: i64,
    /// Seats.
    pub capacity: i64,
    /// Active bookings.
    pub booked: i64,
    /// Set when the slot was removed.
    pub cancelled_at: Option<i64>,
}

impl Slot {
    /// Seats still free.
    pub fn seats_left(&self) -> i64 {
        (self.capacity - self.booked).max(0)
    }
}

/// Extra time for one student on one exam.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accommodation {
    /// Exam.
    pub exam_id: String,
    /// Student.
    pub student_id: String,
    /// Fixed extra minutes.
    pub extra_minutes: i64,
    /// Extra percent of the duration.
    pub extra_percent: i64,
    /// Why (visible to teachers only).
    pub note: String,
}
