//! Reading an answer from the question form, according to the question's kind (the form cannot
//! choose the kind: the server knows it).

use crate::exams::questions::Response;
use crate::exams::questions::{QuestionKind, StudentQuestion};

/// Longest text answer accepted (an essay of about 10 pages).
pub const MAX_TEXT: usize = 20_000;

/// Why a submitted answer is unusable (i18n key).
pub type AnswerError = &'static str;

/// Builds the response from the form's `(name, value)` pairs: `choice` (repeatable) for MCQ,
/// `truth` for true/false, `text` for short answers and essays. `None`: the field was absent
/// (e.g. a navigation without answering), which saves nothing.
pub fn response_from_form(
    question: &StudentQuestion,
    fields: &[(String, String)],
) -> Result<Option<Response>, AnswerError> {
    fn values<'a>(fields: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
        fields.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    match question.kind {
        QuestionKind::Mcq => {
            if !fields.iter().any(|(k, _)| k == "choice" || k == "choice_present") {
                return Ok(None);
            }
            let mut chosen = Vec::new();
            for v in values(fields, "choice") {
                let index: usize = v.parse().map_err(|_| "attempt.error.bad_choice")?;
                if !question.options.iter().any(|(i, _)| *i == index) {
                    return Err("attempt.error.bad_choice");
                }
                if !chosen.contains(&index) {
                    chosen.push(index);
                }
            }
            if !question.multiple && chosen.len() > 1 {
                return Err("attempt.error.one_choice");
            }
            chosen.sort_unstable();
            Ok(Some(Response::Choices(chosen)))
        }
        QuestionKind::TrueFalse => match values(fields, "truth").next() {
            None => Ok(None),
            Some("true") => Ok(Some(Response::Bool(true))),
            Some("false") => Ok(Some(Response::Bool(false))),
            Some(_) => Err("attempt.error.bad_choice"),
        },
        QuestionKind::ShortAnswer | QuestionKind::Essay => match values(fields, "text").next() {
            None => Ok(None),
            Some(t) if t.chars().count() > MAX_TEXT => Err("attempt.error.too_long"),
            Some(t) => Ok(Some(Response::Text(t.to_owned()))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exams::points::Points;

    fn q(kind: QuestionKind, multiple: bool) -> StudentQuestion {
        StudentQuestion {
            id: "q".into(),
            kind,
            prompt: "?".into(),
            options: vec![(2, "c".into()), (0, "a".into()), (1, "b".into())],
            multiple,
            points: Points(100),
        }
    }

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn mcq_choices_are_original_indices_and_checked() {
        let single = q(QuestionKind::Mcq, false);
        assert_eq!(response_from_form(&single, &f(&[("choice", "2")])), Ok(Some(Response::Choices(vec![2]))));
        assert_eq!(
            response_from_form(&single, &f(&[("choice", "0"), ("choice", "1")])),
            Err("attempt.error.one_choice")
        );
        assert_eq!(response_from_form(&single, &f(&[("choice", "7")])), Err("attempt.error.bad_choice"));
        assert_eq!(response_from_form(&single, &f(&[])), Ok(None));
        // Unticking every box of a multi-answer question clears the answer.
        let multi = q(QuestionKind::Mcq, true);
        assert_eq!(response_from_form(&multi, &f(&[("choice_present", "1")])), Ok(Some(Response::Choices(vec![]))));
        assert_eq!(
            response_from_form(&multi, &f(&[("choice", "1"), ("choice", "0")])),
            Ok(Some(Response::Choices(vec![0, 1])))
        );
    }

    #[test]
    fn truth_and_text() {
        let tf = q(QuestionKind::TrueFalse, false);
        assert_eq!(response_from_form(&tf, &f(&[("truth", "false")])), Ok(Some(Response::Bool(false))));
        assert_eq!(response_from_form(&tf, &f(&[("truth", "maybe")])), Err("attempt.error.bad_choice"));
        let essay = q(QuestionKind::Essay, false);
        assert_eq!(
            response_from_form(&essay, &f(&[("text", "<b>hi</b>")])),
            Ok(Some(Response::Text("<b>hi</b>".into())))
        );
        assert_eq!(
            response_from_form(&essay, &f(&[("text", &"x".repeat(MAX_TEXT + 1))])),
            Err("attempt.error.too_long")
        );
    }
}
