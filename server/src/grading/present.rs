//! Showing answers and keys as text (never as HTML).

use maud::{Markup, html};

use crate::exams::questions::{AnswerKey, Question, Response};
use crate::i18n::Lang;

/// A student's response in words.
pub fn response_text(lang: Lang, question: &Question, response_json: &str) -> Markup {
    let response: Option<Response> = serde_json::from_str(response_json).ok();
    match response {
        None => html! { em.muted { (lang.t("grading.no_answer")) } },
        Some(Response::Choices(c)) if c.is_empty() => html! { em.muted { (lang.t("grading.no_answer")) } },
        Some(Response::Choices(c)) => html! {
            ul.compact { @for i in c { li { (question.options.get(i).map(String::as_str).unwrap_or("?")) } } }
        },
        Some(Response::Bool(b)) => html! { (if b { lang.t("attempt.true") } else { lang.t("attempt.false") }) },
        Some(Response::Text(t)) if t.trim().is_empty() => html! { em.muted { (lang.t("grading.no_answer")) } },
        Some(Response::Text(t)) => html! { p.answer-text { (t) } },
    }
}

/// The key in words (teachers only).
pub fn key_text(lang: Lang, question: &Question) -> Markup {
    match &question.key {
        AnswerKey::Mcq(c) => html! {
            ul.compact { @for i in c { li { (question.options.get(*i).map(String::as_str).unwrap_or("?")) } } }
        },
        AnswerKey::TrueFalse(b) => html! { (if *b { lang.t("attempt.true") } else { lang.t("attempt.false") }) },
        AnswerKey::ShortAnswer(accepted) => html! { (accepted.join(" | ")) },
        AnswerKey::Essay(guide) if guide.is_empty() => html! { em.muted { (lang.t("grading.manual")) } },
        AnswerKey::Essay(guide) => html! { (guide) },
    }
}
