//! The panels of the exam page: one question (with its answer form) or the review before
//! submitting. A full page load renders them inside the exam page; htmx gets the same markup
//! alone and swaps it into `#exam-body`, so the page (camera, detector) stays loaded.

use std::collections::HashMap;

use maud::{Markup, html};

use super::model::Attempt;
use super::views_take::{BODY_ID, answered, question_nav};
use crate::exams::questions::{QuestionKind, Response, StudentQuestion};
use crate::web::PageCtx;

/// One question as the student sees it.
pub struct QuestionPanel<'a> {
    /// The attempt.
    pub attempt: &'a Attempt,
    /// 1-based number of the question shown.
    pub number: usize,
    /// The question, without its key.
    pub question: &'a StudentQuestion,
    /// Saved responses by question id.
    pub responses: &'a HashMap<String, Response>,
}

/// The question panel. Changes autosave into `#save-status`; the navigation buttons save and
/// swap in the panel the server answers with (it names the new URL in `HX-Push-Url`), after any
/// autosave still on its way (so its navigation update cannot land on the new panel).
pub fn question_panel(ctx: &PageCtx, p: &QuestionPanel) -> Markup {
    let total = p.attempt.question_order.len();
    let action = format!("/attempts/{}/q/{}", p.attempt.id, p.number);
    let body = format!("#{BODY_ID}");
    html! {
        (question_nav(ctx, p.attempt, p.number, p.responses, false))
        form #answer-form method="post" action=(action) hx-post=(action) hx-target="#save-status" hx-swap="innerHTML"
            hx-trigger="change, input delay:800ms from:#answer-text" {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            fieldset.question {
                legend { (ctx.lang.tf("attempt.question_of", &[("n", &p.number.to_string()), ("total", &total.to_string()), ("points", &p.question.points.to_string())])) }
                p.prompt { (p.question.prompt) }
                (answer_input(ctx, p.question, p.responses.get(&p.question.id)))
            }
            div.attempt-actions {
                @if p.number > 1 {
                    button type="submit" name="go" value="prev" hx-post=(action) hx-target=(body) hx-sync="closest form:queue all" { "← " (ctx.t("pagination.prev")) }
                }
                @if p.number < total {
                    button.primary type="submit" name="go" value="next" hx-post=(action) hx-target=(body) hx-sync="closest form:queue all" { (ctx.t("pagination.next")) " →" }
                }
                button type="submit" name="go" value="review" hx-post=(action) hx-target=(body) hx-sync="closest form:queue all" { (ctx.t("attempt.review")) }
            }
        }
    }
}

fn answer_input(ctx: &PageCtx, q: &StudentQuestion, saved: Option<&Response>) -> Markup {
    match q.kind {
        QuestionKind::Mcq => {
            let chosen: &[usize] = match saved {
                Some(Response::Choices(c)) => c,
                _ => &[],
            };
            let kind = if q.multiple { "checkbox" } else { "radio" };
            html! {
                @if q.multiple { p.hint { (ctx.t("attempt.several_answers")) } }
                input type="hidden" name="choice_present" value="1";
                div.options {
                    @for (index, text) in &q.options {
                        label.option { input type=(kind) name="choice" value=(index) checked[chosen.contains(index)]; " " (text) }
                    }
                }
            }
        }
        QuestionKind::TrueFalse => {
            let value = match saved {
                Some(Response::Bool(b)) => Some(*b),
                _ => None,
            };
            html! {
                div.options {
                    label.option { input type="radio" name="truth" value="true" checked[value == Some(true)]; " " (ctx.t("attempt.true")) }
                    label.option { input type="radio" name="truth" value="false" checked[value == Some(false)]; " " (ctx.t("attempt.false")) }
                }
            }
        }
        QuestionKind::ShortAnswer | QuestionKind::Essay => {
            let text = match saved {
                Some(Response::Text(t)) => t.as_str(),
                _ => "",
            };
            html! {
                label for="answer-text" { (ctx.t("attempt.your_answer")) }
                @if q.kind == QuestionKind::ShortAnswer {
                    input #answer-text type="text" name="text" value=(text) autocomplete="off" spellcheck="false" maxlength="500";
                } @else {
                    textarea #answer-text name="text" rows="14" { (text) }
                }
            }
        }
    }
}

/// The review panel: what is answered, and the submit form (a plain form: submitting leaves
/// the exam page for the result).
pub fn review_panel(ctx: &PageCtx, attempt: &Attempt, responses: &HashMap<String, Response>) -> Markup {
    let missing: Vec<String> = attempt
        .question_order
        .iter()
        .enumerate()
        .filter(|(_, q)| !answered(responses, q))
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    html! {
        (question_nav(ctx, attempt, 0, responses, false))
        section.card #review {
            h2 { (ctx.t("attempt.review")) }
            @if missing.is_empty() {
                p { (ctx.t("attempt.all_answered")) }
            } @else {
                p.notice.notice-error { (ctx.lang.tf("attempt.unanswered", &[("list", &missing.join(", "))])) }
            }
            form method="post" action={"/attempts/" (attempt.id) "/submit"} {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                div.field.checkbox { label { input type="checkbox" name="confirm" value="yes" required; " " (ctx.t("attempt.submit_check")) } }
                button.primary type="submit" { (ctx.t("attempt.submit")) }
            }
        }
    }
}
