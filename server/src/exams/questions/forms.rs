//! Raw input of the question and accommodation forms and its validation.

use serde::Deserialize;

use crate::exams::forms::{FieldErrors, MAX_EXTRA_MINUTES, MAX_EXTRA_PERCENT, MAX_NOTE, int_in};
use crate::exams::questions::{AnswerKey, MAX_OPTIONS, Question, QuestionInput, QuestionKind};

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
