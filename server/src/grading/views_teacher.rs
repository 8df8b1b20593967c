//! Teacher views: results table, a student's copy with essay grading, the review queue.

use std::collections::HashMap;

use maud::{Markup, html};

use super::present::{key_text, response_text};
use super::queries::{AnswerRow, PendingRow, ResultRow};
use crate::exams::model::{Exam, ReleaseMode};
use crate::exams::points::{Points, format_percent_tenths};
use crate::exams::questions::{Question, QuestionKind};
use crate::monitoring::AttemptIntegrity;
use crate::monitoring::explain::views::{integrity_cell, integrity_section};
use crate::views::components::{local_time, notice};
use crate::web::PageCtx;

fn score_cell(score: Option<i64>, max: i64) -> String {
    match score {
        Some(s) => format!(
            "{} / {} ({} %)",
            Points(s),
            Points(max),
            format_percent_tenths(Points(s).percent_tenths_of(Points(max)))
        ),
        None => "—".into(),
    }
}

/// What the teacher reads about an attempt's monitoring, and whether they may open the evidence.
pub struct Integrity<'a> {
    /// The attempt's integrity (`None`: never monitored).
    pub of: Option<&'a AttemptIntegrity>,
    /// Whether the reader may open the proctor's session page.
    pub evidence: bool,
}

/// The results of an exam, each with its integrity (risk, confirmed anomalies, decisions).
pub fn results(
    ctx: &PageCtx,
    exam: &Exam,
    rows: &[ResultRow],
    integrity: &HashMap<String, AttemptIntegrity>,
    evidence: bool,
) -> Markup {
    html! {
        p { a href={"/exams/" (exam.id)} { "← " (exam.title) } " · " a href={"/analytics/exams/" (exam.id)} { (ctx.t("analytics.open_exam")) } }
        @if exam.release_mode == ReleaseMode::Manual {
            @if let Some(at) = exam.results_released_at {
                (notice("success", ctx.t("grading.released_at"))) p { (local_time(at)) }
            } @else {
                form method="post" action={"/exams/" (exam.id) "/results/release"} {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    p.hint { (ctx.t("grading.release_hint")) }
                    button.primary type="submit" { (ctx.t("grading.release")) }
                }
            }
        }
        @if rows.is_empty() {
            (notice("info", ctx.t("grading.no_submissions")))
        } @else {
            table.data #results {
                thead { tr {
                    th scope="col" { (ctx.t("grading.student")) }
                    th scope="col" { (ctx.t("grading.submitted")) }
                    th scope="col" { (ctx.t("grading.score")) }
                    th scope="col" { (ctx.t("grading.status")) }
                    th scope="col" { (ctx.t("explain.integrity")) }
                    th scope="col" { span.visually-hidden { (ctx.t("grading.actions")) } }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td { (r.student_name) br; small.muted { (r.student_email) } }
                            td { (local_time(r.sheet.submitted_at.unwrap_or_default())) @if r.sheet.submit_reason.as_deref() == Some("deadline") { br; small.muted { (ctx.t("grading.by_deadline")) } } }
                            td { (score_cell(r.sheet.score_hundredths, r.sheet.max_score_hundredths)) }
                            td { (status_badge(ctx, &r.sheet.grading_status, r.sheet.passed)) }
                            td.integrity { (integrity_cell(ctx, integrity.get(&r.sheet.attempt_id), evidence)) }
                            td { a href={"/exams/" (exam.id) "/results/" (r.sheet.attempt_id)} { (ctx.t("grading.open_copy")) } }
                        }
                    }
                }
            }
        }
    }
}

fn status_badge(ctx: &PageCtx, grading_status: &str, passed: Option<i64>) -> Markup {
    match (grading_status, passed) {
        ("graded", Some(1)) => html! { span.badge.ok { (ctx.t("grading.passed")) } },
        ("graded", _) => html! { span.badge.bad { (ctx.t("grading.failed")) } },
        _ => html! { span.badge.warn { (ctx.t("grading.pending")) } },
    }
}

/// A student's copy: its integrity first, then every question with the answer, the key and the
/// points; essay forms.
pub fn copy(
    ctx: &PageCtx,
    exam: &Exam,
    row: &ResultRow,
    questions: &[Question],
    answers: &[AnswerRow],
    integrity: &Integrity<'_>,
) -> Markup {
    html! {
        p { a href={"/exams/" (exam.id) "/results"} { "← " (ctx.t("grading.results")) } }
        section.card {
            p { strong { (row.student_name) } " · " (local_time(row.sheet.submitted_at.unwrap_or_default())) }
            p { (ctx.t("grading.score_label")) " " (score_cell(row.sheet.score_hundredths, row.sheet.max_score_hundredths)) " " (status_badge(ctx, &row.sheet.grading_status, row.sheet.passed)) }
        }
        (integrity_section(ctx, integrity.of, integrity.evidence))
        @for (i, q) in questions.iter().enumerate() {
            @let answer = answers.iter().find(|a| a.question_id == q.id);
            section.card.copy-question id={"q-" (q.id)} {
                h2 { (ctx.lang.tf("grading.question_n", &[("n", &(i + 1).to_string())])) " · " (ctx.lang.t(q.kind.label_key())) }
                p.prompt { (q.prompt) }
                dl {
                    dt { (ctx.t("grading.answer")) }
                    dd { (response_text(ctx.lang, q, answer.map_or("null", |a| a.response.as_str()))) }
                    dt { (ctx.t("grading.expected")) }
                    dd { (key_text(ctx.lang, q)) }
                    dt { (ctx.t("grading.points")) }
                    dd { (answer.and_then(|a| a.score_hundredths).map_or_else(|| "—".to_owned(), |s| Points(s).to_string())) " / " (q.points) }
                }
                @if q.kind == QuestionKind::Essay {
                    (essay_form(ctx, exam, &row.sheet.attempt_id, q, answer))
                }
            }
        }
    }
}

fn essay_form(ctx: &PageCtx, exam: &Exam, attempt_id: &str, q: &Question, answer: Option<&AnswerRow>) -> Markup {
    let action = format!("/exams/{}/results/{}/questions/{}/grade", exam.id, attempt_id, q.id);
    let score = answer.and_then(|a| a.score_hundredths).map(|s| Points(s).to_string()).unwrap_or_default();
    html! {
        form.grade-form method="post" action=(action) {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            div.field {
                label for={"score-" (q.id)} { (ctx.lang.tf("grading.score_out_of", &[("max", &q.points.to_string())])) }
                input id={"score-" (q.id)} name="score" type="text" inputmode="decimal" value=(score) required;
            }
            div.field {
                label for={"comment-" (q.id)} { (ctx.t("grading.comment")) }
                textarea id={"comment-" (q.id)} name="comment" rows="3" { (answer.map_or("", |a| a.comment.as_str())) }
            }
            button.primary type="submit" { (ctx.t("grading.save_grade")) }
        }
    }
}

/// Copies waiting for a teacher.
pub fn queue(ctx: &PageCtx, rows: &[PendingRow]) -> Markup {
    html! {
        @if rows.is_empty() {
            (notice("success", ctx.t("grading.queue_empty")))
        } @else {
            table.data #review-queue {
                thead { tr {
                    th scope="col" { (ctx.t("exam.title")) }
                    th scope="col" { (ctx.t("grading.student")) }
                    th scope="col" { (ctx.t("grading.submitted")) }
                    th scope="col" { (ctx.t("grading.to_grade")) }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td { (r.exam_title) }
                            td { (r.student_name) }
                            td { (local_time(r.unscored.submitted_at)) }
                            td { a href={"/exams/" (r.unscored.exam_id) "/results/" (r.unscored.attempt_id)} { (ctx.lang.tf("grading.n_answers", &[("n", &r.unscored.pending_answers.to_string())])) } }
                        }
                    }
                }
            }
        }
    }
}
