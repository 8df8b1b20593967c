//! Student views: my results, one result with feedback (never the key).

use maud::{Markup, html};

use super::present::response_text;
use super::queries::{AnswerRow, MyResultRow};
use crate::attempts::model::Attempt;
use crate::exams::model::Exam;
use crate::exams::points::{Points, format_percent_tenths};
use crate::exams::questions::Question;
use crate::views::components::{local_time, notice};
use crate::web::PageCtx;

/// The list of the student's attempts.
pub fn my_results(ctx: &PageCtx, rows: &[MyResultRow]) -> Markup {
    html! {
        @if rows.is_empty() {
            (notice("info", ctx.t("grading.no_results")))
        } @else {
            table.data #my-results {
                thead { tr {
                    th scope="col" { (ctx.t("exam.title")) }
                    th scope="col" { (ctx.t("grading.submitted")) }
                    th scope="col" { (ctx.t("grading.result")) }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td { a href={"/attempts/" (r.sheet.attempt_id) "/result"} { (r.exam_title) } }
                            td { @if let Some(at) = r.sheet.submitted_at { (local_time(at)) } @else { (ctx.t("grading.in_progress")) } }
                            td { (summary(ctx, r)) }
                        }
                    }
                }
            }
        }
    }
}

fn summary(ctx: &PageCtx, r: &MyResultRow) -> Markup {
    if r.sheet.status != "submitted" {
        return html! { (ctx.t("grading.in_progress")) };
    }
    if !r.visible() {
        let key = if r.sheet.grading_status == "graded" { "grading.awaiting_release" } else { "grading.being_graded" };
        return html! { (ctx.t(key)) };
    }
    let score = Points(r.sheet.score_hundredths.unwrap_or(0));
    html! {
        (score) " / " (Points(r.sheet.max_score_hundredths)) " (" (format_percent_tenths(score.percent_tenths_of(Points(r.sheet.max_score_hundredths)))) " %) "
        @if r.sheet.passed == Some(1) { span.badge.ok { (ctx.t("grading.passed")) } } @else { span.badge.bad { (ctx.t("grading.failed")) } }
    }
}

/// One result: waiting, or the score with per-question feedback.
pub fn result(ctx: &PageCtx, exam: &Exam, attempt: &Attempt, questions: &[Question], answers: &[AnswerRow]) -> Markup {
    let visible = attempt.graded && exam.results_visible();
    html! {
        section.card #result {
            p { (ctx.t("grading.submitted")) " " @if let Some(at) = attempt.submitted_at { (local_time(at)) } }
            @if !attempt.graded {
                (notice("info", ctx.t("grading.being_graded")))
            } @else if !visible {
                (notice("info", ctx.t("grading.awaiting_release")))
            } @else {
                @let score = Points(attempt.score.unwrap_or(0));
                p.big-score { (score) " / " (Points(attempt.max_score)) " · " (format_percent_tenths(score.percent_tenths_of(Points(attempt.max_score)))) " %" }
                @if attempt.passed == Some(true) { (notice("success", ctx.t("grading.you_passed"))) } @else { (notice("error", ctx.t("grading.you_failed"))) }
            }
        }
        @if visible {
            @for (i, qid) in attempt.question_order.iter().enumerate() {
                @if let Some(q) = questions.iter().find(|q| &q.id == qid) {
                    @let answer = answers.iter().find(|a| &a.question_id == qid);
                    section.card.copy-question {
                        h2 { (ctx.lang.tf("grading.question_n", &[("n", &(i + 1).to_string())])) }
                        p.prompt { (q.prompt) }
                        dl {
                            dt { (ctx.t("grading.answer")) }
                            dd { (response_text(ctx.lang, q, answer.map_or("null", |a| a.response.as_str()))) }
                            dt { (ctx.t("grading.points")) }
                            dd { (answer.and_then(|a| a.score_hundredths).map_or_else(|| "—".to_owned(), |s| Points(s).to_string())) " / " (q.points) }
                            @if let Some(c) = answer.map(|a| a.comment.as_str()).filter(|c| !c.is_empty()) {
                                dt { (ctx.t("grading.comment")) }
                                dd { (c) }
                            }
                        }
                    }
                }
            }
        }
        p { a.button href="/results" { (ctx.t("grading.all_results")) } }
    }
}
