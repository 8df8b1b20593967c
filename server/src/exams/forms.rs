//! Raw input of the exam editor's forms and its validation into domain values. Errors are i18n
//! keys per field.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::model::{ExamSettings, ReleaseMode};
use super::questions::{AnswerKey, MAX_OPTIONS, Question, QuestionInput, QuestionKind};

/// Field name → i18n key of its error.
pub type FieldErrors = BTreeMap<&'static str, &'static str>;

/// Longest title.
pub const MAX_TITLE: usize = 200;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 5000;
/// Most seats of one slot.
pub const MAX_CAPACITY: i64 = 1000;
/// Most extra minutes of an accommodation.
pub const MAX_EXTRA_MINUTES: i64 = 600;
/// Most extra percent of an accommodation.
pub const MAX_EXTRA_PERCENT: i64 = 200;
/// Longest accommodation note.
pub const MAX_NOTE: usize = 500;

/// The exam settings form (create and edit).
#[derive(Clone, Debug, Deserialize)]
pub struct ExamForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Duration in minutes, as typed.
    #[serde(default)]
    pub duration_minutes: String,
    /// Pass mark in percent, as typed.
    #[serde(default)]
    pub pass_mark_percent: String,
    /// Checkbox.
    pub shuffle_questions: Option<String>,
    /// Checkbox.
    pub shuffle_options: Option<String>,
    /// `immediate` or `manual`.
    #[serde(default)]
    pub release_mode: String,
}

impl Default for ExamForm {
    fn default() -> Self {
        Self {
            title: String::new(),
            description: String::new(),
            duration_minutes: "60".into(),
            pass_mark_percent: "60".into(),
            shuffle_questions: None,
            shuffle_options: None,
            release_mode: ReleaseMode::Immediate.as_str().into(),
        }
    }
}

fn int_in(raw: &str, min: i64, max: i64) -> Option<i64> {
    raw.trim().parse::<i64>().ok().filter(|n| (min..=max).contains(n))
}

impl ExamForm {
    /// The form filled with an exam's settings.
    pub fn from_settings(s: &ExamSettings) -> Self {
        Self {
            title: s.title.clone(),
            description: s.description.clone(),
            duration_minutes: s.duration_minutes.to_string(),
            pass_mark_percent: s.pass_mark_percent.to_string(),
            shuffle_questions: s.shuffle_questions.then(|| "on".into()),
            shuffle_options: s.shuffle_options.then(|| "on".into()),
            release_mode: s.release_mode.as_str().into(),
        }
    }

    /// Validated settings, or the errors per field.
    pub fn validate(&self) -> Result<ExamSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = self.title.trim().to_owned();
        if title.is_empty() {
            errors.insert("title", "editor.error.title_required");
        } else if title.chars().count() > MAX_TITLE {
            errors.insert("title", "editor.error.title_too_long");
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > MAX_DESCRIPTION {
            errors.insert("description", "editor.error.description_too_long");
        }
        let duration = int_in(&self.duration_minutes, 5, 300);
        if duration.is_none() {
            errors.insert("duration_minutes", "editor.error.duration");
        }
        let pass_mark =
            if self.pass_mark_percent.trim().is_empty() { Some(60) } else { int_in(&self.pass_mark_percent, 0, 100) };
        if pass_mark.is_none() {
            errors.insert("pass_mark_percent", "editor.error.pass_mark");
        }
        let release_mode = ReleaseMode::parse(self.release_mode.trim());
        if release_mode.is_none() {
            errors.insert("release_mode", "editor.error.release_mode");
        }
        match (duration, pass_mark, release_mode) {
            (Some(duration_minutes), Some(pass_mark_percent), Some(release_mode)) if errors.is_empty() => {
                Ok(ExamSettings {
                    title,
                    description,
                    duration_minutes,
                    pass_mark_percent,
                    shuffle_questions: self.shuffle_questions.is_some(),
                    shuffle_options: self.shuffle_options.is_some(),
                    release_mode,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The "add a slot" form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SlotForm {
    /// What the `datetime-local` input shows (`2030-01-31T09:00`).
    #[serde(default)]
    pub starts_local: String,
    /// UTC milliseconds filled by static/local-time.js; empty without JavaScript.
    #[serde(default)]
    pub starts_at: String,
    /// Seats.
    #[serde(default)]
    pub capacity: String,
}

impl SlotForm {
    /// The start (UTC ms) and capacity, or the errors per field. Without the UTC field (no
    /// JavaScript) the typed value is read as UTC, as the form says.
    pub fn parse(&self) -> Result<(i64, i64), FieldErrors> {
        let mut errors = FieldErrors::new();
        let starts_at = match self.starts_at.trim() {
            "" => parse_local_as_utc(&self.starts_local),
            ms => ms.parse::<i64>().ok(),
        };
        if starts_at.is_none() {
            errors.insert("starts_local", "editor.error.slot_start");
        }
        let capacity = if self.capacity.trim().is_empty() { Some(30) } else { int_in(&self.capacity, 1, MAX_CAPACITY) };
        if capacity.is_none() {
            errors.insert("capacity", "editor.error.capacity");
        }
        match (starts_at, capacity) {
            (Some(s), Some(c)) => Ok((s, c)),
            _ => Err(errors),
        }
    }
}

/// Reads `YYYY-MM-DDTHH:MM[:SS]` as a UTC time, in milliseconds.
pub fn parse_local_as_utc(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let with_seconds = if raw.len() == 16 { format!("{raw}:00") } else { raw.to_owned() };
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let t = time::PrimitiveDateTime::parse(&with_seconds, format).ok()?.assume_utc();
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Why a new slot cannot be added (an i18n key), given the exam's other live slots as
/// `(starts_at, ends_at)`.
pub fn check_slot(now: i64, starts_at: i64, ends_at: i64, others: &[(i64, i64)]) -> Result<(), &'static str> {
    if starts_at <= now {
        return Err("editor.error.slot_past");
    }
    if others.iter().any(|(s, e)| *s < ends_at && *e > starts_at) {
        return Err("editor.error.slot_overlap");
    }
    Ok(())
}

/// Whether any two of these `(starts_at, ends_at)` ranges overlap.
pub fn any_overlap(ranges: &[(i64, i64)]) -> bool {
    let mut sorted = ranges.to_vec();
    sorted.sort_unstable();
    sorted.windows(2).any(|w| w[1].0 < w[0].1)
}

/// The question form, one for the four kinds: the fields of the other kinds are ignored.
#[derive(Clone, Debug, Default)]
pub struct QuestionForm {
    /// Kind.
    pub kind: String,
    /// Prompt.
    pub prompt: String,
    /// MCQ options as typed, in their input slots (blank ones included).
    pub options: Vec<String>,
    /// MCQ: 1-based numbers of the ticked slots.
    pub correct: Vec<usize>,
    /// MCQ partial credit.
    pub partial_credit: bool,
    /// True/false: `true` or `false`.
    pub tf_answer: String,
    /// Short answer: one accepted answer per line.
    pub accepted: String,
    /// Essay: guidance for graders.
    pub guidance: String,
    /// Weight as typed.
    pub points: String,
}

impl QuestionForm {
    /// Reads the urlencoded pairs (repeated `option` and `correct` fields).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut form = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "kind" => form.kind.clone_from(v),
                "prompt" => form.prompt.clone_from(v),
                "option" => form.options.push(v.clone()),
                "correct" => form.correct.extend(v.trim().parse::<usize>().ok()),
                "partial_credit" => form.partial_credit = true,
                "tf_answer" => form.tf_answer.clone_from(v),
                "accepted" => form.accepted.clone_from(v),
                "guidance" => form.guidance.clone_from(v),
                "points" => form.points.clone_from(v),
                _ => {}
            }
        }
        form.options.truncate(MAX_OPTIONS);
        form
    }

    /// A blank form for a kind.
    pub fn blank(kind: QuestionKind) -> Self {
        Self { kind: kind.as_str().into(), points: "1".into(), ..Self::default() }
    }

    /// The form filled with a stored question.
    pub fn from_question(q: &Question) -> Self {
        let mut form = Self {
            kind: q.kind.as_str().into(),
            prompt: q.prompt.clone(),
            options: q.options.clone(),
            partial_credit: q.partial_credit,
            points: q.points.to_string(),
            ..Self::default()
        };
        match &q.key {
            AnswerKey::Mcq(c) => form.correct = c.iter().map(|i| i + 1).collect(),
            AnswerKey::TrueFalse(b) => form.tf_answer = b.to_string(),
            AnswerKey::ShortAnswer(a) => form.accepted = a.join("\n"),
            AnswerKey::Essay(g) => form.guidance.clone_from(g),
        }
        form
    }

    /// The kind chosen (MCQ when unknown, for rendering).
    pub fn kind(&self) -> QuestionKind {
        QuestionKind::parse(&self.kind).unwrap_or(QuestionKind::Mcq)
    }

    /// The input `QuestionInput::validate` checks. Ticks are renumbered over the non-blank
    /// options, since blank option slots are dropped.
    pub fn to_input(&self) -> QuestionInput {
        let answer = match QuestionKind::parse(self.kind.trim()) {
            Some(QuestionKind::Mcq) => {
                let kept: Vec<usize> =
                    self.options.iter().enumerate().filter(|(_, o)| !o.trim().is_empty()).map(|(i, _)| i + 1).collect();
                let numbers: Vec<String> = self
                    .correct
                    .iter()
                    .filter_map(|slot| kept.iter().position(|k| k == slot))
                    .map(|p| (p + 1).to_string())
                    .collect();
                numbers.join(",")
            }
            Some(QuestionKind::TrueFalse) => self.tf_answer.clone(),
            Some(QuestionKind::ShortAnswer) => self.accepted.clone(),
            Some(QuestionKind::Essay) => self.guidance.clone(),
            None => String::new(),
        };
        QuestionInput {
            kind: self.kind.trim().to_owned(),
            prompt: self.prompt.clone(),
            options: self.options.clone(),
            answer,
            points: self.points.clone(),
            partial_credit: self.partial_credit,
        }
    }
}

/// The accommodation form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AccommodationForm {
    /// The student's email.
    #[serde(default)]
    pub email: String,
    /// Extra minutes as typed.
    #[serde(default)]
    pub extra_minutes: String,
    /// Extra percent as typed.
    #[serde(default)]
    pub extra_percent: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

impl AccommodationForm {
    /// `(email, extra minutes, extra percent, note)`, or the errors per field.
    pub fn parse(&self) -> Result<(String, i64, i64, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = self.email.trim().to_lowercase();
        if email.is_empty() {
            errors.insert("email", "editor.error.student_email");
        }
        let num = |raw: &str, max| if raw.trim().is_empty() { Some(0) } else { int_in(raw, 0, max) };
        let minutes = num(&self.extra_minutes, MAX_EXTRA_MINUTES);
        if minutes.is_none() {
            errors.insert("extra_minutes", "editor.error.extra_minutes");
        }
        let percent = num(&self.extra_percent, MAX_EXTRA_PERCENT);
        if percent.is_none() {
            errors.insert("extra_percent", "editor.error.extra_percent");
        }
        if minutes == Some(0) && percent == Some(0) {
            errors.insert("extra_minutes", "editor.error.extra_none");
        }
        let note = self.note.trim().to_owned();
        if note.chars().count() > MAX_NOTE {
            errors.insert("note", "editor.error.note_too_long");
        }
        match (minutes, percent) {
            (Some(m), Some(p)) if errors.is_empty() => Ok((email, m, p, note)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exam_form(title: &str, duration: &str, pass: &str) -> ExamForm {
        ExamForm {
            title: title.into(),
            duration_minutes: duration.into(),
            pass_mark_percent: pass.into(),
            ..ExamForm::default()
        }
    }

    #[test]
    fn exam_settings_bounds() {
        assert!(exam_form("Algebra", "5", "0").validate().is_ok());
        assert!(exam_form("Algebra", "300", "100").validate().is_ok());
        let errors = exam_form(" ", "4", "101").validate().err().unwrap_or_default();
        assert_eq!(errors.keys().copied().collect::<Vec<_>>(), ["duration_minutes", "pass_mark_percent", "title"]);
        assert!(exam_form(&"x".repeat(201), "60", "").validate().is_err());
        assert_eq!(exam_form("A", "60", "").validate().map(|s| s.pass_mark_percent), Ok(60));
    }

    #[test]
    fn slots_parse_and_check() {
        let form = SlotForm { starts_local: "2030-01-31T09:00".into(), starts_at: String::new(), capacity: "".into() };
        let (start, capacity) = form.parse().expect("valid");
        assert_eq!(start, 1_896_080_400_000);
        assert_eq!(capacity, 30);
        let js = SlotForm { starts_local: "x".into(), starts_at: "1000".into(), capacity: "1001".into() };
        assert!(js.parse().err().is_some_and(|e| e.contains_key("capacity") && !e.contains_key("starts_local")));
        assert_eq!(check_slot(100, 100, 200, &[]), Err("editor.error.slot_past"));
        assert_eq!(check_slot(0, 100, 200, &[(150, 250)]), Err("editor.error.slot_overlap"));
        assert_eq!(check_slot(0, 100, 200, &[(200, 300), (0, 100)]), Ok(()));
        assert!(any_overlap(&[(300, 400), (0, 301)]));
        assert!(!any_overlap(&[(300, 400), (0, 300)]));
    }

    #[test]
    fn mcq_ticks_follow_the_non_blank_options() {
        let pairs: Vec<(String, String)> = [
            ("kind", "mcq"),
            ("prompt", "Pick"),
            ("option", "a"),
            ("option", ""),
            ("option", "c"),
            ("correct", "3"),
            ("points", "1.5"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let draft = QuestionForm::from_pairs(&pairs).to_input().validate().expect("valid");
        assert_eq!(draft.options, vec!["a", "c"]);
        assert_eq!(draft.key, AnswerKey::Mcq(vec![1]));
    }

    #[test]
    fn accommodation_bounds() {
        let form = |m: &str, p: &str| AccommodationForm {
            email: "s@x.org".into(),
            extra_minutes: m.into(),
            extra_percent: p.into(),
            note: String::new(),
        };
        assert_eq!(form("15", "").parse().map(|r| (r.1, r.2)), Ok((15, 0)));
        assert!(form("601", "0").parse().is_err());
        assert!(form("0", "201").parse().is_err());
        assert!(form("", "").parse().is_err());
    }
}
