//! The questions section of the exam page (list, reorder, delete confirmation) and the one
//! question form for the four kinds.

use maud::{Markup, html};

use super::forms::QuestionForm;
use crate::exams::forms::FieldErrors;
use crate::exams::model::Exam;
use crate::exams::questions::{AnswerKey, MAX_OPTIONS, Question, QuestionKind};
use crate::exams::views_form::{csrf, textarea};
use crate::views::components::{Field, notice};
use crate::web::PageCtx;

/// The section (htmx target of reorder and delete).
pub fn questions_section(
    ctx: &PageCtx,
    exam: &Exam,
    questions: &[Question],
    pending_delete: Option<&Question>,
) -> Markup {
    let base = format!("/exams/{}/questions", exam.id);
    html! {
        section.card #questions aria-labelledby="questions-title" {
            h2 #questions-title { (ctx.t("editor.questions")) }
            @if let Some(q) = pending_delete {
                div.confirm #question-deletion {
                    (notice("info", &ctx.lang.tf("editor.question.confirm_delete", &[("n", &q.position.to_string())])))
                    form.inline method="post" action={(base) "/" (q.id) "/delete"} hx-post={(base) "/" (q.id) "/delete"} hx-target="#questions" hx-swap="outerHTML" {
                        (csrf(ctx))
                        input type="hidden" name="confirm" value="yes";
                        button.danger type="submit" { (ctx.t("editor.delete")) }
                        " " a href={"/exams/" (exam.id) "#questions"} { (ctx.t("form.cancel")) }
                    }
                }
            }
            @if questions.is_empty() { (notice("info", ctx.t("editor.questions.none"))) }
            ol.questions { @for q in questions { (question_item(ctx, &base, q, questions.len())) } }
            p.add-question {
                (ctx.t("editor.question.add")) " "
                @for kind in QuestionKind::ALL {
                    a.button.small href={(base) "/new?kind=" (kind.as_str())} { (ctx.lang.t(kind.label_key())) } " "
                }
            }
        }
    }
}

fn key_summary(ctx: &PageCtx, q: &Question) -> String {
    match &q.key {
        AnswerKey::Mcq(c) => c.iter().filter_map(|i| q.options.get(*i).cloned()).collect::<Vec<_>>().join(" · "),
        AnswerKey::TrueFalse(b) => ctx.t(if *b { "editor.true" } else { "editor.false" }).to_owned(),
        AnswerKey::ShortAnswer(a) => a.join(" · "),
        AnswerKey::Essay(g) => g.clone(),
    }
}

fn question_item(ctx: &PageCtx, base: &str, q: &Question, count: usize) -> Markup {
    let move_form = |direction: &str, label: &str, disabled: bool| {
        html! {
            form.inline method="post" action={(base) "/" (q.id) "/move"} hx-post={(base) "/" (q.id) "/move"} hx-target="#questions" hx-swap="outerHTML" {
                (csrf(ctx))
                input type="hidden" name="direction" value=(direction);
                button.small type="submit" disabled[disabled] aria-label={(label) " — " (q.position)} { (label) }
            }
        }
    };
    html! {
        li.question id={"question-" (q.id)} {
            p.question-meta {
                span.badge { (ctx.lang.t(q.kind.label_key())) } " "
                (ctx.lang.tf("editor.question.points", &[("n", &q.points.to_string())]))
            }
            p.prewrap { (q.prompt) }
            @if !q.options.is_empty() { ul.options { @for o in &q.options { li { (o) } } } }
            p.key { strong { (ctx.t("editor.question.key")) } " " (key_summary(ctx, q)) }
            div.row-actions {
                (move_form("up", ctx.t("editor.move_up"), q.position <= 1))
                (move_form("down", ctx.t("editor.move_down"), usize::try_from(q.position).is_ok_and(|p| p >= count)))
                a.button.small href={(base) "/" (q.id) "/edit"} { (ctx.t("editor.edit")) }
                form.inline method="post" action={(base) "/" (q.id) "/delete"} hx-post={(base) "/" (q.id) "/delete"} hx-target="#questions" hx-swap="outerHTML" {
                    (csrf(ctx)) button.small.danger type="submit" { (ctx.t("editor.delete")) }
                }
            }
        }
    }
}

/// The question form; `question_id` is `None` when adding.
pub fn question_form(
    ctx: &PageCtx,
    exam_id: &str,
    question_id: Option<&str>,
    form: &QuestionForm,
    errors: &FieldErrors,
) -> Markup {
    let err = |name: &str| errors.get(name).map(|k| ctx.lang.t(k));
    let base = format!("/exams/{exam_id}/questions");
    let action = question_id.map_or_else(|| base.clone(), |id| format!("{base}/{id}"));
    html! {
        section.card #question-form {
            @if !errors.is_empty() { (notice("error", ctx.t("form.has_errors"))) }
            form.question-form method="post" action=(action) novalidate {
                (csrf(ctx))
                div.field.invalid[err("kind").is_some()] {
                    label for="kind" { (ctx.t("editor.question.kind")) }
                    select #kind name="kind" {
                        @for kind in QuestionKind::ALL {
                            option value=(kind.as_str()) selected[form.kind == kind.as_str()] { (ctx.lang.t(kind.label_key())) }
                        }
                    }
                    @if let Some(e) = err("kind") { p.field-error { (e) } }
                }
                (textarea("prompt", "prompt", ctx.t("editor.question.prompt"), &form.prompt, err("prompt"), None))
                (mcq_fields(ctx, form, err("options"), err("answer").filter(|_| form.kind() == QuestionKind::Mcq)))
                (other_fields(ctx, form, err("answer")))
                (Field { name: "points", label: ctx.t("editor.question.points_label"), kind: "text", value: &form.points, error: err("points"), autocomplete: "off", required: true }.render())
                p.hint { (ctx.t("editor.hint.points")) }
                button.primary type="submit" { (ctx.t("editor.save")) }
                " " a href={"/exams/" (exam_id) "#questions"} { (ctx.t("form.cancel")) }
            }
        }
    }
}

fn mcq_fields(ctx: &PageCtx, form: &QuestionForm, options_error: Option<&str>, key_error: Option<&str>) -> Markup {
    html! {
        fieldset.kind-fields.invalid[options_error.or(key_error).is_some()] data-kind="mcq" {
            legend { (ctx.t("editor.question.options")) }
            p.hint { (ctx.t("editor.hint.options")) }
            @for i in 0..MAX_OPTIONS {
                div.option-row {
                    label for={"option-" (i + 1)} { (ctx.lang.tf("editor.question.option_n", &[("n", &(i + 1).to_string())])) }
                    input id={"option-" (i + 1)} type="text" name="option" value=(form.options.get(i).map_or("", String::as_str));
                    label { input type="checkbox" name="correct" value=(i + 1) checked[form.correct.contains(&(i + 1))]; " " (ctx.t("editor.question.correct")) }
                }
            }
            @if let Some(e) = options_error { p.field-error { (e) } }
            @if let Some(e) = key_error { p.field-error { (e) } }
            div.field.check {
                label { input type="checkbox" name="partial_credit" value="on" checked[form.partial_credit]; " " (ctx.t("editor.question.partial_credit")) }
            }
        }
    }
}

fn other_fields(ctx: &PageCtx, form: &QuestionForm, key_error: Option<&str>) -> Markup {
    let kind = form.kind();
    let error_for = |k: QuestionKind| key_error.filter(|_| kind == k);
    html! {
        fieldset.kind-fields.invalid[error_for(QuestionKind::TrueFalse).is_some()] data-kind="true_false" {
            legend { (ctx.t("editor.question.tf_answer")) }
            @for (value, key) in [("true", "editor.true"), ("false", "editor.false")] {
                label { input type="radio" name="tf_answer" value=(value) checked[form.tf_answer == value]; " " (ctx.lang.t(key)) }
            }
            @if let Some(e) = error_for(QuestionKind::TrueFalse) { p.field-error { (e) } }
        }
        fieldset.kind-fields data-kind="short_answer" {
            legend { (ctx.lang.t(QuestionKind::ShortAnswer.label_key())) }
            (textarea("accepted", "accepted", ctx.t("editor.question.accepted"), &form.accepted, error_for(QuestionKind::ShortAnswer), Some(ctx.t("editor.hint.accepted"))))
        }
        fieldset.kind-fields data-kind="essay" {
            legend { (ctx.lang.t(QuestionKind::Essay.label_key())) }
            (textarea("guidance", "guidance", ctx.t("editor.question.guidance"), &form.guidance, None, Some(ctx.t("editor.hint.guidance"))))
        }
    }
}

/// Said after saving a question whose key or points changed while submissions exist.
pub fn regrade_offer(ctx: &PageCtx, exam_id: &str, question_id: &str, submissions: i64) -> Markup {
    let n = submissions.to_string();
    let action = format!("/exams/{exam_id}/questions/{question_id}/regrade");
    html! {
        section.card #regrade {
            (notice("success", ctx.t("editor.question.saved")))
            (notice("info", &ctx.lang.tf("editor.question.key_changed", &[("n", &n)])))
            form.inline method="post" action=(action) {
                (csrf(ctx))
                button.primary type="submit" { (ctx.lang.tf("editor.question.regrade", &[("n", &n)])) }
                " " a href={"/exams/" (exam_id) "#questions"} { (ctx.t("editor.back_to_exam")) }
            }
        }
    }
}
