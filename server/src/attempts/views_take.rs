//! The exam page's frame: the bar (timer, progress, camera, monitoring endpoints) that stays
//! loaded for the whole attempt, and `#exam-body`, where htmx swaps the question or review
//! panel (views_panels.rs) so that the camera and the detector live as long as the attempt.

use std::collections::HashMap;

use maud::{Markup, html};

use super::model::Attempt;
use crate::exams::questions::Response;
use crate::monitoring::TakeAttrs;
use crate::views::components::{local_clock, local_time};
use crate::web::PageCtx;

/// Id of the element htmx swaps panels into (and restores on history navigation).
pub const BODY_ID: &str = "exam-body";

/// What the exam page around a panel needs.
pub struct Frame<'a> {
    /// The attempt.
    pub attempt: &'a Attempt,
    /// Saved responses by question id.
    pub responses: &'a HashMap<String, Response>,
    /// Server time now (for the countdown's clock offset).
    pub now: i64,
    /// Monitoring endpoints, while the attempt is monitored.
    pub monitor: Option<&'a TakeAttrs>,
}

/// The whole exam page: the bar, then `panel` (the same markup an htmx request gets alone).
pub fn exam_page(ctx: &PageCtx, frame: &Frame, panel: Markup) -> Markup {
    html! {
        (attempt_bar(ctx, frame))
        div #exam-body hx-history-elt tabindex="-1" { (panel) }
    }
}

pub(super) fn answered(responses: &HashMap<String, Response>, qid: &str) -> bool {
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

/// The bar above the panels: timer, progress, save status, camera preview, the student's
/// monitoring notices, and the endpoints the browser detector posts to (`data-monitor-*`). The
/// server decides which frames carry their picture (`picture_next` in each frame's answer).
fn attempt_bar(ctx: &PageCtx, f: &Frame) -> Markup {
    let (attempt, monitor) = (f.attempt, f.monitor);
    html! {
        div.attempt-bar #attempt data-attempt=(attempt.id) data-deadline=(attempt.deadline_at) data-now=(f.now)
            data-expired-url={"/attempts/" (attempt.id) "/result"}
            data-monitor-frames=[monitor.map(|m| m.frames_url.as_str())]
            data-monitor-events=[monitor.map(|m| m.events_url.as_str())]
            data-monitor-interval-ms=[monitor.map(|m| m.interval_ms)]
            data-monitor-face-threshold=[monitor.map(|m| m.face_threshold)]
            data-monitor-object-threshold=[monitor.map(|m| m.object_threshold)]
            data-monitor-forbidden-objects=[monitor.map(|m| m.forbidden_objects.as_str())]
            data-detector-base=[monitor.map(|_| "/static/detector/")]
            data-detector-timeout-ms=[monitor.map(|m| m.detector_timeout_ms)] {
            p.timer { (ctx.t("attempt.time_left")) " " span #timer role="timer" { (clock(attempt.deadline_at - f.now)) } }
            p.deadline.hint { (ctx.t("attempt.deadline")) " " (local_time(attempt.deadline_at)) }
            (progress(ctx, attempt, f.responses, false))
            p #save-status aria-live="polite" {}
            video #exam-camera autoplay muted playsinline width="160" height="120" aria-label=(ctx.t("attempt.camera_preview")) {}
            p #camera-warning.notice.notice-error hidden { (ctx.t("attempt.camera_lost")) }
            @if monitor.is_some() {
                p #detector-fallback.notice hidden role="status" { (ctx.t("attempt.detector_fallback")) }
                p #monitor-notice.notice hidden role="status" aria-live="polite" {}
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
                        @let href = format!("/attempts/{}/q/{n}", attempt.id);
                        a href=(href) hx-get=(href) hx-target={"#" (BODY_ID)} hx-push-url="true"
                            .answered[answered(responses, qid)] .current[n == current]
                            aria-current=[(n == current).then_some("step")]
                            aria-label=(ctx.lang.tf(if answered(responses, qid) { "attempt.nav_answered" } else { "attempt.nav_unanswered" }, &[("n", &n.to_string())])) {
                            (n)
                        }
                    }
                }
            }
            @let review = format!("/attempts/{}/review", attempt.id);
            a href=(review) hx-get=(review) hx-target={"#" (BODY_ID)} hx-push-url="true" { (ctx.t("attempt.review")) }
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
