//! Exam lists: the student catalogue and the editor's list.

use maud::{Markup, html};

use super::model::ExamSummary;
use crate::views::components::{datetime, local_time, notice};
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

/// The teacher's list (every exam for an admin, with its teacher): links to each exam page and
/// a "New exam" button.
pub fn editor_list(ctx: &PageCtx, exams: &[ExamSummary], all: bool) -> Markup {
    html! {
        p { a.button.primary href="/exams/new" { (ctx.t("editor.new_exam")) } }
        @if exams.is_empty() {
            (notice("info", ctx.t("teacher.no_exams")))
        } @else {
            table.data #exams {
                caption.visually-hidden { (ctx.t(if all { "editor.all_exams" } else { "teacher.my_exams" })) }
                thead { tr {
                    th scope="col" { (ctx.t("exam.title")) }
                    @if all { th scope="col" { (ctx.t("exam.teacher")) } }
                    th scope="col" { (ctx.t("exam.duration")) }
                    th scope="col" { (ctx.t("exam.status")) }
                    th scope="col" { (ctx.t("exam.upcoming_slots")) }
                    th scope="col" { (ctx.t("exam.next_slot")) }
                    th scope="col" { (ctx.t("editor.actions")) }
                } }
                tbody {
                    @for exam in exams {
                        tr {
                            td { a href={"/exams/" (exam.id)} { (exam.title) } }
                            @if all { td { (exam.teacher_name) } }
                            td { (ctx.lang.tf("exam.minutes", &[("n", &exam.duration_minutes.to_string())])) }
                            td { span.badge { (ctx.lang.t(exam.status.label_key())) } }
                            td { (exam.upcoming_slots) }
                            td { @if let Some(at) = exam.next_slot_at { (local_time(at)) } @else { "—" } }
                            td.row-actions {
                                a href={"/exams/" (exam.id) "/edit"} { (ctx.t("editor.edit")) } " · "
                                a href={"/exams/" (exam.id) "/preview"} { (ctx.t("editor.preview")) }
                            }
                        }
                    }
                }
            }
        }
    }
}
