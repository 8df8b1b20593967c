//! Questions and their answer keys. The key lives only on the server: student-facing code gets a
//! [`StudentQuestion`], which has no key.

pub mod forms;
pub(in crate::exams) mod handlers;
pub(in crate::exams) mod preview;
pub mod queries;
pub(in crate::exams) mod views;

use serde::{Deserialize, Serialize};

use super::points::Points;

/// The kinds of question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Multiple choice, one or several correct options.
    Mcq,
    /// True or false.
    TrueFalse,
    /// A short typed answer compared with accepted answers.
    ShortAnswer,
    /// Free text graded by the teacher.
    Essay,
}

impl QuestionKind {
    /// Every kind, in form order.
    pub const ALL: [QuestionKind; 4] = [Self::Mcq, Self::TrueFalse, Self::ShortAnswer, Self::Essay];

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mcq => "mcq",
            Self::TrueFalse => "true_false",
            Self::ShortAnswer => "short_answer",
            Self::Essay => "essay",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// i18n key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Mcq => "question.kind.mcq",
            Self::TrueFalse => "question.kind.true_false",
            Self::ShortAnswer => "question.kind.short_answer",
            Self::Essay => "question.kind.essay",
        }
    }

    /// Whether the server can grade it alone.
    pub fn auto_graded(self) -> bool {
        self != Self::Essay
    }
}

/// What counts as right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerKey {
    /// Indices of the correct options (at least one).
    Mcq(Vec<usize>),
    /// The right value.
    TrueFalse(bool),
    /// Accepted answers (compared after normalisation).
    ShortAnswer(Vec<String>),
    /// Graded by the teacher; the text guides the grader.
    Essay(String),
}

impl AnswerKey {
    /// JSON stored in `questions.answer_key`.
    pub fn to_json(&self) -> String {
        let value = match self {
            AnswerKey::Mcq(v) => serde_json::json!(v),
            AnswerKey::TrueFalse(b) => serde_json::json!(b),
            AnswerKey::ShortAnswer(v) => serde_json::json!(v),
            AnswerKey::Essay(guide) => serde_json::json!({ "guide": guide }),
        };
        value.to_string()
    }

    /// Reads the stored JSON for a question of `kind`.
    pub fn from_json(kind: QuestionKind, json: &str) -> Option<AnswerKey> {
        let value: serde_json::Value = serde_json::from_str(json).ok()?;
        Some(match kind {
            QuestionKind::Mcq => AnswerKey::Mcq(serde_json::from_value(value).ok()?),
            QuestionKind::TrueFalse => AnswerKey::TrueFalse(value.as_bool()?),
            QuestionKind::ShortAnswer => AnswerKey::ShortAnswer(serde_json::from_value(value).ok()?),
            QuestionKind::Essay => {
                AnswerKey::Essay(value.get("guide").and_then(|g| g.as_str()).unwrap_or("").to_owned())
            }
        })
    }
}

/// A question with its key (teacher and grading side only).
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// Id.
    pub id: String,
    /// Exam it belongs to.
    pub exam_id: String,
    /// 1-based order in the exam.
    pub position: i64,
    /// Kind.
    pub kind: QuestionKind,
    /// Text shown to the student (plain text, never HTML).
    pub prompt: String,
    /// Options of an MCQ (empty otherwise).
    pub options: Vec<String>,
    /// The key.
    pub key: AnswerKey,
    /// Weight.
    pub points: Points,
    /// MCQ with several correct options: partial credit instead of all-or-nothing.
    pub partial_credit: bool,
}

/// A question as a student may see it: no key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StudentQuestion {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: QuestionKind,
    /// Text.
    pub prompt: String,
    /// Options in the order shown to this student, with their original index as value.
    pub options: Vec<(usize, String)>,
    /// Whether several options may be chosen.
    pub multiple: bool,
    /// Weight.
    #[serde(skip)]
    pub points: Points,
}

impl Question {
    /// The student's view, with options in `order` (original indices) when given.
    pub fn for_student(&self, order: Option<&[usize]>) -> StudentQuestion {
        let indices: Vec<usize> = match order {
            Some(o) if o.len() == self.options.len() => o.to_vec(),
            _ => (0..self.options.len()).collect(),
        };
        StudentQuestion {
            id: self.id.clone(),
            kind: self.kind,
            prompt: self.prompt.clone(),
            options: indices.into_iter().filter_map(|i| self.options.get(i).map(|o| (i, o.clone()))).collect(),
            multiple: matches!(&self.key, AnswerKey::Mcq(c) if c.len() > 1),
            points: self.points,
        }
    }
}

/// What a student answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Response {
    /// Chosen option indices (original order).
    Choices(Vec<usize>),
    /// True/false.
    Bool(bool),
    /// Typed text.
    Text(String),
}

impl Response {
    /// Whether nothing was really answered.
    pub fn is_blank(&self) -> bool {
        match self {
            Response::Choices(c) => c.is_empty(),
            Response::Bool(_) => false,
            Response::Text(t) => t.trim().is_empty(),
        }
    }
}

/// A question being written: validated input.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionDraft {
    /// Kind.
    pub kind: QuestionKind,
    /// Prompt.
    pub prompt: String,
    /// MCQ options.
    pub options: Vec<String>,
    /// Key.
    pub key: AnswerKey,
    /// Weight.
    pub points: Points,
    /// Partial credit (multi-answer MCQ).
    pub partial_credit: bool,
}

/// Most options an MCQ may have.
pub const MAX_OPTIONS: usize = 10;
/// Longest prompt.
pub const MAX_PROMPT: usize = 5000;

/// Raw question input, as a form or an import row gives it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct QuestionInput {
    /// `mcq`, `true_false`, `short_answer` or `essay`.
    #[serde(default)]
    pub kind: String,
    /// Prompt.
    #[serde(default)]
    pub prompt: String,
    /// Options (MCQ), one per entry; blank entries are ignored.
    #[serde(default)]
    pub options: Vec<String>,
    /// MCQ: 1-based numbers of the correct options (`1`, `1,3`) or letters (`A`, `A,C`);
    /// true/false: `true`/`false`/`vrai`/`faux`; short answer: accepted answers separated by `|`;
    /// essay: guidance for graders.
    #[serde(default)]
    pub answer: String,
    /// Weight (`1`, `1.5`).
    #[serde(default)]
    pub points: String,
    /// Partial credit for multi-answer MCQ.
    #[serde(default)]
    pub partial_credit: bool,
}

/// Field name → i18n key of the error.
pub type QuestionErrors = std::collections::BTreeMap<&'static str, &'static str>;

impl QuestionInput {
    /// Validates into a draft, or the errors per field.
    pub fn validate(&self) -> Result<QuestionDraft, QuestionErrors> {
        let mut errors = QuestionErrors::new();
        let kind = QuestionKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.insert("kind", "question.error.kind");
        }
        let prompt = self.prompt.trim().to_owned();
        if prompt.is_empty() {
            errors.insert("prompt", "question.error.prompt_required");
        } else if prompt.chars().count() > MAX_PROMPT {
            errors.insert("prompt", "question.error.prompt_too_long");
        }
        let points = Points::parse_weight(if self.points.trim().is_empty() { "1" } else { &self.points })
            .map_err(|e| errors.insert("points", e))
            .ok();
        let options: Vec<String> = self.options.iter().map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect();
        let key = kind.and_then(|k| match parse_key(k, &self.answer, &options) {
            Ok(key) => Some(key),
            Err((field, err)) => {
                errors.insert(field, err);
                None
            }
        });
        match (kind, key, points) {
            (Some(kind), Some(key), Some(points)) if errors.is_empty() => Ok(QuestionDraft {
                kind,
                prompt,
                options: if kind == QuestionKind::Mcq { options } else { Vec::new() },
                partial_credit: kind == QuestionKind::Mcq && self.partial_credit,
                key,
                points,
            }),
            _ => Err(errors),
        }
    }
}

fn parse_key(kind: QuestionKind, raw: &str, options: &[String]) -> Result<AnswerKey, (&'static str, &'static str)> {
    let raw = raw.trim();
    match kind {
        QuestionKind::Mcq => {
            if options.len() < 2 {
                return Err(("options", "question.error.two_options"));
            }
            if options.len() > MAX_OPTIONS {
                return Err(("options", "question.error.too_many_options"));
            }
            let mut correct = Vec::new();
            for part in raw.split([',', ';', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
                let index = match part.parse::<usize>() {
                    Ok(n) if n >= 1 => n - 1,
                    _ => match part.to_ascii_uppercase().as_bytes() {
                        [c @ b'A'..=b'Z'] => usize::from(c - b'A'),
                        _ => return Err(("answer", "question.error.mcq_key")),
                    },
                };
                if index >= options.len() {
                    return Err(("answer", "question.error.mcq_key_range"));
                }
                if !correct.contains(&index) {
                    correct.push(index);
                }
            }
            if correct.is_empty() {
                return Err(("answer", "question.error.mcq_key"));
            }
            correct.sort_unstable();
            Ok(AnswerKey::Mcq(correct))
        }
        QuestionKind::TrueFalse => match raw.to_lowercase().as_str() {
            "true" | "vrai" | "v" | "t" | "1" => Ok(AnswerKey::TrueFalse(true)),
            "false" | "faux" | "f" | "0" => Ok(AnswerKey::TrueFalse(false)),
            _ => Err(("answer", "question.error.true_false_key")),
        },
        QuestionKind::ShortAnswer => {
            let accepted: Vec<String> =
                raw.split(['|', '\n']).map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect();
            if accepted.is_empty() {
                Err(("answer", "question.error.short_key"))
            } else {
                Ok(AnswerKey::ShortAnswer(accepted))
            }
        }
        QuestionKind::Essay => Ok(AnswerKey::Essay(raw.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, options: &[&str], answer: &str) -> QuestionInput {
        QuestionInput {
            kind: kind.into(),
            prompt: "Q?".into(),
            options: options.iter().map(|s| (*s).to_owned()).collect(),
            answer: answer.into(),
            points: "1.5".into(),
            partial_credit: false,
        }
    }

    #[test]
    fn mcq_keys_by_number_or_letter() {
        let d = input("mcq", &["a", "b", "", "c"], "A, 3").validate().expect("valid");
        assert_eq!(d.options, vec!["a", "b", "c"]);
        assert_eq!(d.key, AnswerKey::Mcq(vec![0, 2]));
        assert_eq!(d.points, Points(150));
        assert_eq!(
            input("mcq", &["a", "b"], "C").validate().err().and_then(|e| e.get("answer").copied()),
            Some("question.error.mcq_key_range")
        );
        assert!(input("mcq", &["only"], "1").validate().err().is_some_and(|e| e.contains_key("options")));
    }

    #[test]
    fn other_kinds() {
        assert_eq!(input("true_false", &[], "Vrai").validate().map(|d| d.key), Ok(AnswerKey::TrueFalse(true)));
        assert!(input("true_false", &[], "maybe").validate().is_err());
        assert_eq!(
            input("short_answer", &[], "Paris | paris ").validate().map(|d| d.key),
            Ok(AnswerKey::ShortAnswer(vec!["Paris".into(), "paris".into()]))
        );
        assert!(input("short_answer", &[], " ").validate().is_err());
        assert!(input("essay", &[], "").validate().is_ok());
        assert!(input("drawing", &[], "").validate().err().is_some_and(|e| e.contains_key("kind")));
    }

    #[test]
    fn keys_round_trip_through_json() {
        for (kind, key) in [
            (QuestionKind::Mcq, AnswerKey::Mcq(vec![1, 3])),
            (QuestionKind::TrueFalse, AnswerKey::TrueFalse(false)),
            (QuestionKind::ShortAnswer, AnswerKey::ShortAnswer(vec!["x".into()])),
            (QuestionKind::Essay, AnswerKey::Essay("look for a thesis".into())),
        ] {
            assert_eq!(AnswerKey::from_json(kind, &key.to_json()), Some(key));
        }
    }

    #[test]
    fn student_view_has_no_key_and_follows_the_order() {
        let q = Question {
            id: "q".into(),
            exam_id: "e".into(),
            position: 1,
            kind: QuestionKind::Mcq,
            prompt: "p".into(),
            options: vec!["a".into(), "b".into(), "c".into()],
            key: AnswerKey::Mcq(vec![0, 1]),
            points: Points(100),
            partial_credit: false,
        };
        let view = q.for_student(Some(&[2, 0, 1]));
        assert_eq!(view.options, vec![(2, "c".into()), (0, "a".into()), (1, "b".into())]);
        assert!(view.multiple);
        let json = serde_json::to_string(&view).expect("json");
        assert!(!json.contains("key") && !json.contains("points"));
    }
}
