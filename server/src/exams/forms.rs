//! Raw input of the exam settings and slot forms and its validation into domain values. Errors
//! are i18n keys per field. Questions and accommodations: `forms_question`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::detection::form::DetectionForm;
use super::detection::{DetectionDefaults, ExamDetection};
use super::model::{ExamSettings, ReleaseMode};

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
#[derive(Clone, Debug)]
pub struct ExamForm {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Duration in minutes, as typed.
    pub duration_minutes: String,
    /// Pass mark in percent, as typed.
    pub pass_mark_percent: String,
    /// Checkbox.
    pub shuffle_questions: Option<String>,
    /// Checkbox.
    pub shuffle_options: Option<String>,
    /// `immediate` or `manual`.
    pub release_mode: String,
    /// The monitoring section, when the form carried it.
    pub detection: Option<DetectionForm>,
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
            detection: None,
        }
    }
}

/// An integer typed in a field, within bounds.
pub(crate) fn int_in(raw: &str, min: i64, max: i64) -> Option<i64> {
    raw.trim().parse::<i64>().ok().filter(|n| (min..=max).contains(n))
}

impl ExamForm {
    /// Reads the urlencoded pairs (the monitoring section repeats `forbidden_objects`).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        Self {
            title: get("title").unwrap_or_default(),
            description: get("description").unwrap_or_default(),
            duration_minutes: get("duration_minutes").unwrap_or_default(),
            pass_mark_percent: get("pass_mark_percent").unwrap_or_default(),
            shuffle_questions: get("shuffle_questions"),
            shuffle_options: get("shuffle_options"),
            release_mode: get("release_mode").unwrap_or_default(),
            detection: DetectionForm::from_pairs(pairs),
        }
    }

    /// The whole page validated: the settings, and the detection settings when the page carried
    /// them (`None`: leave them as they are).
    pub fn validate_page(
        &self,
        defaults: &DetectionDefaults,
    ) -> Result<(ExamSettings, Option<ExamDetection>), FieldErrors> {
        let detection = self.detection.as_ref().map(|d| d.validate(defaults)).transpose();
        match (self.validate(), detection) {
            (Ok(settings), Ok(detection)) => Ok((settings, detection)),
            (settings, detection) => {
                let mut errors = settings.err().unwrap_or_default();
                errors.extend(detection.err().unwrap_or_default());
                Err(errors)
            }
        }
    }

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
            detection: None,
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
}
