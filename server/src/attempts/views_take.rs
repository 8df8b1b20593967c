//! Views of the exam being taken: one question per page, navigation, timer, autosave status.

use std::collections::HashMap;

use maud::{Markup, html};

use super::model::Attempt;
use crate::exams::questions::{QuestionKind, Response, StudentQuestion};
use crate::monitoring::TakeAttrs;
use crate::views::components::{local_clock, local_time};
use crate::web::PageCtx;

/// What the question page shows.
pub struct QuestionPage<'a> {
    /// The attempt.
    pub attempt: &'a Attempt,
    /// Exam title.
    pub title: &'a str,
    /// 1-based number of the question shown.
    pub number: usize,
    /// The question, without its key.
    pub question: &'a StudentQuestion,
    /// Saved responses by question id.
    pub responses: &'a HashMap<String, Response>,
    /// Server time now (for the countdown's clock offset).
    pub now: i64,
    /// Monitoring endpoints, while the attempt is monitored.
    pub monitor: Option<&'a TakeAttrs>,
}

fn answered(responses: &HashMap<String, Response>, qid: &str) -> bool {
    responses.get(qid).is_some_and(|r| !r.is_blank())
}

/// Time left as `mm:ss` (or `h:mm:ss`).
pub fn clock(ms: i64) -> String {
    let s = (ms.max(0) + 999) / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// The bar above the question: timer, progress, save status, camera preview, and the
/// monitoring endpoints the browser detector posts to (`data-monitor-*`).
pub fn attempt_bar(
    ctx: &PageCtx,
    attempt: &Attempt,
    responses: &HashMap<String, Response>,
    now: i64,
    monitor: Option<&TakeAttrs>,
) -> Markup {
    html! {
        div.attempt-bar #attempt data-attempt=(attempt.id) data-deadline=(attempt.deadline_at) data-now=(now)
            data-expired-url={"/attempts/" (attempt.id) "/result"}
            data-monitor-frames=[monitor.map(|m| m.frames_url.as_str())]
            data-monitor-events=[monitor.map(|m| m.events_url.as_str())]
            data-monitor-interval-ms=[monitor.map(|m| m.interval_ms)]
            data-monitor-baseline=[monitor.map(|m| m.baseline)]
            data-monitor-face-threshold=[monitor.map(|m| m.face_threshold)]
            data-monitor-object-threshold=[monitor.map(|m| m.object_threshold)]
            data-monitor-forbidden-objects=[monitor.map(|m| m.forbidden_objects.as_str())]
            data-detector-base=[monitor.map(|_| "/static/detector/")]
            data-detector-timeout-ms=[monitor.map(|m| m.detector_timeout_ms)] {
            p.timer { (ctx.t("attempt.time_left")) " " span #timer role="timer" { (clock(attempt.deadline_at - now)) } }
            p.deadline.hint { (ctx.t("attempt.deadline")) " " (local_time(attempt.deadline_at)) }
            (progress(ctx, attempt, responses, false))
            p #save-status aria-live="polite" {}
            video #exam-camera autoplay muted playsinline width="160" height="120" aria-label=(ctx.t("attempt.camera_preview")) {}
            p #camera-warning.notice.notice-error hidden { (ctx.t("attempt.camera_lost")) }
            @if monitor.is_some() {
                p #detector-fallback.notice hidden role="status" { (ctx.t("attempt.detector_fallback")) }
            }
        }
    }
}

/// Progress bar (answered / total); `oob` for an htmx out-of-band update.
pub fn progress(ctx: &PageCtx, attempt: &Attempt, responses: &HashMap<String, Response>, oob: bool) -> Markup {
    let total = attempt.question_order.len();
    let done = attempt.question_order.iter().filter(|q| answered(responses, q)).count();
    html! {
        div #progress-box hx-swap-oob=[oob.then_some("true")] {
            label for="progress" { (ctx.lang.tf("attempt.progress", &[("done", &done.to_string()), ("total", &total.to_string())])) }
            progress #progress value=(done) max=(total) {}
        }
    }
}

/// Numbered navigation: answered and current questions marked; `oob` for htmx.
pub fn question_nav(
    ctx: &PageCtx,
    attempt: &Attempt,
    current: usize,
    responses: &HashMap<String, Response>,
    oob: bool,
) -> Markup {
    html! {
        nav #question-nav aria-label=(ctx.t("attempt.questions")) hx-swap-oob=[oob.then_some("true")] {
            ol {
                @for (i, qid) in attempt.question_order.iter().enumerate() {
                    @let n = i + 1;
                    li {
                        a href={"/attempts/" (attempt.id) "/q/" (n)} .answered[answered(responses, qid)] .current[n == current]
                            aria-current=[(n == current).then_some("step")]
                            aria-label=(ctx.lang.tf(if answered(responses, qid) { "attempt.nav_answered" } else { "attempt.nav_unanswered" }, &[("n", &n.to_string())])) {
                            (n)
                        }
                    }
                }
            }
            a href={"/attempts/" (attempt.id) "/review"} { (ctx.t("attempt.review")) }
        }
    }
}

/// The whole question page.
pub fn question_page(ctx: &PageCtx, p: &QuestionPage) -> Markup {
    let total = p.attempt.question_order.len();
    let action = format!("/attempts/{}/q/{}", p.attempt.id, p.number);
    html! {
        (attempt_bar(ctx, p.attempt, p.responses, p.now, p.monitor))
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
                @if p.number > 1 { button type="submit" name="go" value="prev" { "← " (ctx.t("pagination.prev")) } }
                @if p.number < total { button.primary type="submit" name="go" value="next" { (ctx.t("pagination.next")) " →" } }
                button type="submit" name="go" value="review" { (ctx.t("attempt.review")) }
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

/// Autosave answer: "saved at", plus the navigation and progress updated out of band.
pub fn saved_fragment(
    ctx: &PageCtx,
    attempt: &Attempt,
    number: usize,
    responses: &HashMap<String, Response>,
    now: i64,
) -> Markup {
    html! {
        span.saved { "✓ " (ctx.t("attempt.saved")) " " (local_clock(now)) }
        (question_nav(ctx, attempt, number, responses, true))
        (progress(ctx, attempt, responses, true))
    }
}

/// Review before submitting: what is answered, and the submit form.
pub fn review_page(
    ctx: &PageCtx,
    attempt: &Attempt,
    responses: &HashMap<String, Response>,
    now: i64,
    monitor: Option<&TakeAttrs>,
) -> Markup {
    let missing: Vec<usize> = attempt
        .question_order
        .iter()
        .enumerate()
        .filter(|(_, q)| !answered(responses, q))
        .map(|(i, _)| i + 1)
        .collect();
    html! {
        (attempt_bar(ctx, attempt, responses, now, monitor))
        (question_nav(ctx, attempt, 0, responses, false))
        section.card #review {
            @if missing.is_empty() {
                p { (ctx.t("attempt.all_answered")) }
            } @else {
                p.notice.notice-error { (ctx.lang.tf("attempt.unanswered", &[("list", &missing.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))])) }
            }
            form method="post" action={"/attempts/" (attempt.id) "/submit"} {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                div.field.checkbox { label { input type="checkbox" name="confirm" value="yes" required; " " (ctx.t("attempt.submit_check")) } }
                button.primary type="submit" { (ctx.t("attempt.submit")) }
            }
        }
    }
}
