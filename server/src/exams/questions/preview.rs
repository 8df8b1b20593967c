//! The preview: every question as a student will see it, built from `Question::for_student`,
//! which has no key.

use maud::{Markup, html};

use crate::exams::model::Exam;
use crate::exams::questions::{QuestionKind, StudentQuestion};
use crate::views::components::notice;
use crate::web::PageCtx;

/// The preview page's content.
pub fn preview(ctx: &PageCtx, exam: &Exam, questions: &[StudentQuestion]) -> Markup {
    html! {
        div.preview-banner role="note" { (notice("info", ctx.t("editor.preview.banner"))) }
        p { a href={"/exams/" (exam.id)} { "← " (ctx.t("editor.back_to_exam")) } }
        @if !exam.description.is_empty() { p.prewrap.lead { (exam.description) } }
        p { (ctx.lang.tf("exam.minutes", &[("n", &exam.duration_minutes.to_string())])) }
        @if questions.is_empty() { (notice("info", ctx.t("editor.questions.none"))) }
        ol.preview-questions {
            @for (i, q) in questions.iter().enumerate() { (preview_question(ctx, i + 1, q)) }
        }
    }
}

fn preview_question(ctx: &PageCtx, n: usize, q: &StudentQuestion) -> Markup {
    let name = format!("q{n}");
    html! {
        li.card.preview-question {
            fieldset disabled {
                legend {
                    span.prewrap { (q.prompt) } " "
                    span.hint { "(" (ctx.lang.tf("editor.question.points", &[("n", &q.points.to_string())])) ")" }
                }
                @match q.kind {
                    QuestionKind::Mcq => {
                        @if q.multiple { p.hint { (ctx.t("editor.preview.several")) } }
                        @for (index, text) in &q.options {
                            label.choice {
                                input type=(if q.multiple { "checkbox" } else { "radio" }) name=(name) value=(index);
                                " " (text)
                            }
                        }
                    }
                    QuestionKind::TrueFalse => {
                        label.choice { input type="radio" name=(name) value="true"; " " (ctx.t("editor.true")) }
                        label.choice { input type="radio" name=(name) value="false"; " " (ctx.t("editor.false")) }
                    }
                    QuestionKind::ShortAnswer => {
                        label for=(name) .visually-hidden { (ctx.t("editor.preview.your_answer")) }
                        input id=(name) type="text" name=(name);
                    }
                    QuestionKind::Essay => {
                        label for=(name) .visually-hidden { (ctx.t("editor.preview.your_answer")) }
                        textarea id=(name) name=(name) rows="6" {}
                    }
                }
            }
        }
    }
}
