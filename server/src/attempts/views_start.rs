//! Views of the consent and equipment-check page.

use maud::{Markup, html};

use super::handlers_start::StartPage;
use crate::detection::views::{DETECTOR_BASE, detector_status};
use crate::monitoring::settings::MonitorSettings;
use crate::views::components::{local_time, notice};
use crate::web::PageCtx;

/// What monitoring sends and keeps, from the configuration: the consent text says exactly this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Privacy {
    /// Time between two analysed frames, ms (`PROCTORWISE_MONITOR_INTERVAL_MS`).
    pub interval_ms: i64,
    /// The server asks for at least one picture in N clean frames
    /// (`PROCTORWISE_MONITOR_BASELINE_EVERY`).
    pub baseline_every: i64,
    /// Days pictures are kept; 0 = until an administrator deletes them
    /// (`PROCTORWISE_FRAME_RETENTION_DAYS`).
    pub retention_days: u64,
}

impl Privacy {
    /// The figures of the running configuration.
    pub fn of(m: &MonitorSettings) -> Self {
        Self { interval_ms: m.interval_ms, baseline_every: m.baseline_every, retention_days: m.retention_days }
    }
}

/// The "what is recorded" list, generated from the configuration.
fn recorded(ctx: &PageCtx, p: Privacy) -> Markup {
    let seconds = format!("{}", p.interval_ms as f64 / 1000.0);
    let kept = if p.retention_days == 0 {
        ctx.t("attempt.recorded_kept_forever").to_owned()
    } else {
        ctx.lang.tf("attempt.recorded_kept_days", &[("days", &p.retention_days.to_string())])
    };
    html! {
        ul #recorded {
            li { (ctx.lang.tf("attempt.recorded_webcam", &[("seconds", &seconds)])) }
            li { (ctx.lang.tf("attempt.recorded_pictures", &[("n", &p.baseline_every.to_string())])) }
            li { (ctx.t("attempt.recorded_fallback")) }
            li { (kept) }
            li { (ctx.t("attempt.recorded_events")) }
            li { (ctx.t("attempt.recorded_access")) }
        }
    }
}

/// Rules, what is recorded, the camera test and the start button.
pub fn consent(ctx: &PageCtx, page: &StartPage, webcam_refused: bool, error: Option<&str>) -> Markup {
    html! {
        @if webcam_refused { (notice("error", ctx.t("attempt.webcam_refused"))) }
        @if let Some(e) = error { (notice("error", e)) }
        section.card #consent {
            p { (ctx.lang.tf("attempt.summary", &[("n", &page.questions.to_string()), ("minutes", &page.duration_minutes.to_string())])) }
            p { (ctx.t("attempt.slot_ends")) " " (local_time(page.ends_at)) }
            h2 { (ctx.t("attempt.rules_title")) }
            ul {
                li { (ctx.t("attempt.rule_timer")) }
                li { (ctx.t("attempt.rule_autosave")) }
                li { (ctx.t("attempt.rule_alone")) }
                li { (ctx.t("attempt.rule_tab")) }
            }
            h2 { (ctx.t("attempt.recorded_title")) }
            (recorded(ctx, page.privacy))
            h2 { (ctx.t("attempt.camera_title")) }
            p.hint { (ctx.t("attempt.camera_hint")) }
            div.camera-check {
                video #camera-preview autoplay muted playsinline width="320" height="240" aria-label=(ctx.t("attempt.camera_preview")) {}
                p #camera-status role="status" aria-live="polite" { (ctx.t("attempt.camera_not_tested")) }
                (detector_status(ctx, DETECTOR_BASE))
                button #camera-test type="button" data-granted=(ctx.t("attempt.camera_ok")) data-denied=(ctx.t("attempt.camera_denied")) {
                    (ctx.t("attempt.camera_test"))
                }
            }
            noscript { (notice("error", ctx.t("attempt.needs_js"))) }
            form #webcam-refused-form method="post" action={"/bookings/" (page.booking_id) "/webcam-refused"} {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                input type="hidden" name="reason" value="";
            }
            form #start-form method="post" action={"/bookings/" (page.booking_id) "/start"} {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                input #webcam-field type="hidden" name="webcam" value="";
                div.field.checkbox {
                    label { input type="checkbox" name="consent" required; " " (ctx.t("attempt.consent_label")) }
                }
                button.primary #start-button type="submit" disabled { (ctx.t("attempt.start")) }
            }
        }
    }
}

/// Before the slot opens.
pub fn not_yet(ctx: &PageCtx, starts_at: i64, opens_in_ms: i64) -> Markup {
    let minutes = (opens_in_ms + 59_999) / 60_000;
    let wait = if minutes >= 60 {
        ctx.lang.tf("attempt.opens_in_hours", &[("h", &(minutes / 60).to_string()), ("m", &(minutes % 60).to_string())])
    } else {
        ctx.lang.tf("attempt.opens_in_minutes", &[("m", &minutes.to_string())])
    };
    html! {
        section.card #not-yet {
            p { (ctx.t("attempt.not_yet")) " " (local_time(starts_at)) }
            p.countdown data-opens-in=(opens_in_ms) { (wait) }
            p { a.button href="/student" { (ctx.t("attempt.back_to_bookings")) } }
        }
    }
}

/// After the slot ended without an attempt.
pub fn expired(ctx: &PageCtx) -> Markup {
    html! {
        section.card #expired {
            (notice("error", ctx.t("attempt.error.expired")))
            p { a.button href="/student" { (ctx.t("attempt.back_to_bookings")) } }
        }
    }
}

/// The attempt was submitted: no retake.
pub fn already_submitted(ctx: &PageCtx, attempt_id: &str) -> Markup {
    html! {
        section.card #already-submitted {
            p { (ctx.t("attempt.error.already_submitted")) }
            p { a.button.primary href={"/attempts/" (attempt_id) "/result"} { (ctx.t("attempt.see_result")) } }
        }
    }
}
