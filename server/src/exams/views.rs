//! Exam lists.

use maud::{Markup, html};

use super::model::ExamSummary;
use crate::views::components::{datetime, notice};
use crate::web::PageCtx;

/// A table of exams; `show_teacher` for the student catalogue.
pub fn exam_table(ctx: &PageCtx, exams: &[ExamSummary], show_teacher: bool, empty_key: &'static str) -> Markup {
    html! {
        @if exams.is_empty() {
            (notice("info", ctx.lang.t(empty_key)))
        } @else {
            table.data #exams {
                thead { tr {
                    th scope="col" { (ctx.t("exam.title")) }
                    @if show_teacher { th scope="col" { (ctx.t("exam.teacher")) } }
                    th scope="col" { (ctx.t("exam.duration")) }
                    @if !show_teacher { th scope="col" { (ctx.t("exam.status")) } }
                    th scope="col" { (ctx.t("exam.upcoming_slots")) }
                    th scope="col" { (ctx.t("exam.next_slot")) }
                } }
                tbody {
                    @for exam in exams {
                        tr {
                            td { (exam.title) }
                            @if show_teacher { td { (exam.teacher_name) } }
                            td { (ctx.lang.tf("exam.minutes", &[("n", &exam.duration_minutes.to_string())])) }
                            @if !show_teacher { td { span.badge { (ctx.lang.t(exam.status.label_key())) } } }
                            td { (exam.upcoming_slots) }
                            td { (exam.next_slot_at.map(datetime).unwrap_or_else(|| "—".into())) }
                        }
                    }
                }
            }
        }
    }
}
