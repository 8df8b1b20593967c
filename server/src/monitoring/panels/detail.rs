//! Markup of one session: information, latest frame, summary, the anomaly timeline with evidence
//! thumbnails and the proctor's decisions, the stop form.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::queries::{AnomalyRow, SessionRow};
use super::views::{duration, kind_label, risk_badge, severity_badge};
use crate::monitoring::explain::explain;
use crate::monitoring::explain::views::{checking_badge, explanation};
use crate::monitoring::model::Method;
use crate::views::components::local_time;
use crate::web::PageCtx;

/// Session facts (live: `info` event).
pub fn info(ctx: &PageCtx, s: &SessionRow, now: i64) -> Markup {
    let status_key = if s.status == "active" { "monitor.status.active" } else { "monitor.status.stopped" };
    html! {
        dl.facts {
            dt { (ctx.t("monitor.col.student")) } dd { (s.student_name) }
            dt { (ctx.t("monitor.col.exam")) } dd { (s.exam_title) }
            dt { (ctx.t("monitor.status")) } dd #session-status {
                span class={"badge status-" (s.status)} { (ctx.t(status_key)) }
                @if s.checking { " " (checking_badge(ctx.lang)) }
            }
            dt { (ctx.t("monitor.col.started")) } dd { (local_time(s.started_at)) }
            @if let Some(at) = s.stopped_at {
                dt { (ctx.t("monitor.col.ended")) } dd {
                    (local_time(at)) " · "
                    (s.stop_reason.as_deref().and_then(crate::monitoring::model::StopReason::parse).map_or("", |r| ctx.t(r.label_key())))
                    @if let Some(note) = s.stop_note.as_deref().filter(|n| !n.is_empty()) { " — " q { (note) } }
                }
            } @else {
                dt { (ctx.t("monitor.col.left")) } dd { (duration(s.deadline_at - now)) }
            }
            dt { (ctx.t("monitor.col.frames")) } dd { (s.frames) }
            dt { (ctx.t("monitor.col.last_frame")) } dd { @match s.last_frame_at { Some(at) => { (duration(now - at)) }, None => { "—" } } }
            dt { (ctx.t("monitor.risk")) } dd { (risk_badge(ctx, s.risk_score)) }
            @if s.client_detector == 0 { dt { (ctx.t("monitor.detector")) } dd { (ctx.t("monitor.detector.server_only")) } }
            @if s.reviewed_at.is_some() { dt { (ctx.t("monitor.reviewed")) } dd { "✓" } }
        }
    }
}

/// The latest stored frame (live: `frame` event).
pub fn live_frame(ctx: &PageCtx, latest: Option<&(String, i64)>) -> Markup {
    html! {
        @match latest {
            Some((id, at)) => {
                a href={"/monitoring/frames/" (id)} target="_blank" rel="noopener" {
                    img.live-frame src={"/monitoring/frames/" (id)} alt=(ctx.t("monitor.latest_frame")) width="320" height="240";
                }
                p.hint { (ctx.t("monitor.latest_frame")) " · " (local_time(*at)) }
            }
            None => { p.hint { (ctx.t("monitor.no_frame")) } }
        }
    }
}

/// Counts by severity, type and method (dismissed anomalies apart; live: `summary` event).
pub fn summary(ctx: &PageCtx, anomalies: &[AnomalyRow]) -> Markup {
    let kept: Vec<&AnomalyRow> = anomalies.iter().filter(|a| a.review != "dismissed").collect();
    let count = |f: &dyn Fn(&AnomalyRow) -> String| {
        let mut map: BTreeMap<String, usize> = BTreeMap::new();
        for a in &kept {
            *map.entry(f(a)).or_default() += 1;
        }
        map
    };
    let by_severity = count(&|a| a.severity.clone());
    let by_kind = count(&|a| a.kind.clone());
    let by_method = count(&|a| a.method.clone());
    let dismissed = anomalies.len() - kept.len();
    html! {
        p { (ctx.lang.tf("monitor.summary.total", &[("n", &kept.len().to_string()), ("dismissed", &dismissed.to_string())])) }
        ul.tags { @for (sev, n) in &by_severity { li { (severity_badge(ctx.lang, sev)) " " (n) } } }
        ul.tags { @for (kind, n) in &by_kind { li { (kind_label(ctx.lang, kind)) " " (n) } } }
        ul.tags { @for (method, n) in &by_method { li { (method_label(ctx, method)) " " (n) } } }
    }
}

fn method_label<'a>(ctx: &PageCtx, method: &'a str) -> &'a str {
    Method::parse(method).map_or(method, |m| ctx.t(m.label_key()))
}

/// The changing part of an anomaly: method, confidence, verification, review, duration
/// (live: `status-{id}` event, so a note being typed in the review form is kept).
pub fn anomaly_status(ctx: &PageCtx, a: &AnomalyRow) -> Markup {
    let verification_key = match a.verification.as_str() {
        "pending" => "monitor.verify.pending",
        "confirmed" => "monitor.verify.confirmed",
        "rejected" => "monitor.verify.rejected",
        "unavailable" => "monitor.verify.unavailable",
        _ => "monitor.verify.not_needed",
    };
    let review_key = match a.review.as_str() {
        "confirmed" => "monitor.review.confirmed",
        "dismissed" => "monitor.review.dismissed",
        _ => "monitor.review.pending",
    };
    html! {
        p {
            (method_label(ctx, &a.method)) " · " (ctx.t("monitor.confidence")) " " (a.confidence_permille / 10) " % · "
            span class={"verify verify-" (a.verification)} { (ctx.t(verification_key)) } " · "
            @match a.ended_at {
                Some(end) => { (ctx.t("monitor.duration")) " " (duration(end - a.started_at)) }
                None => { (ctx.t("monitor.ongoing")) }
            }
            " · " strong.review { (ctx.t(review_key)) }
            @if let Some(note) = a.review_note.as_deref().filter(|n| !n.is_empty()) { " — " q { (note) } }
        }
        // The server's verdict arrives later: the explanation is refreshed with the status.
        (explanation(ctx.lang, &explain(&a.facts(), ctx.lang)))
    }
}

/// One anomaly of the timeline, with its evidence and the review form.
pub fn anomaly_item(ctx: &PageCtx, a: &AnomalyRow) -> Markup {
    html! {
        li.anomaly #{"anomaly-" (a.id)} .dismissed[a.review == "dismissed"] {
            div {
                (severity_badge(ctx.lang, &a.severity)) " " strong { (kind_label(ctx.lang, &a.kind)) }
                " · " (local_time(a.detected_at))
            }
            // innerHTML explicitly: htmx would inherit the timeline's `afterbegin`.
            div.status #{"status-" (a.id)} sse-swap={"status-" (a.id)} hx-swap="innerHTML" { (anomaly_status(ctx, a)) }
            @if let Some(frame) = &a.frame_id {
                a href={"/monitoring/frames/" (frame)} target="_blank" rel="noopener" aria-label=(ctx.t("monitor.evidence_full")) {
                    img.thumb src={"/monitoring/frames/" (frame)} alt=(ctx.t("monitor.evidence")) width="160" height="120" loading="lazy";
                }
            }
            form.review method="post" action={"/proctor/anomalies/" (a.id) "/review"}
                hx-post={"/proctor/anomalies/" (a.id) "/review"} hx-target={"#anomaly-" (a.id)} hx-swap="outerHTML" {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                label for={"note-" (a.id)} { (ctx.t("monitor.note")) }
                input #{"note-" (a.id)} type="text" name="note" maxlength="1000" value=(a.review_note.as_deref().unwrap_or_default());
                button type="submit" name="decision" value="confirm" { (ctx.t("monitor.confirm")) }
                button type="submit" name="decision" value="dismiss" { (ctx.t("monitor.dismiss")) }
            }
        }
    }
}

/// Several timeline items (newest first).
pub fn anomaly_items(ctx: &PageCtx, items: &[AnomalyRow]) -> Markup {
    html! { @for a in items { (anomaly_item(ctx, a)) } }
}

/// The whole detail page.
pub fn page(
    ctx: &PageCtx,
    s: &SessionRow,
    anomalies: &[AnomalyRow],
    latest: Option<&(String, i64)>,
    now: i64,
) -> Markup {
    html! {
        p { a href="/proctor" { "← " (ctx.t("monitor.back")) } }
        div #session-detail hx-ext="sse" sse-connect={"/proctor/sessions/" (s.id) "/stream?after=" (now)} {
            div.detail-grid {
                section #session-info aria-live="polite" sse-swap="info" { (info(ctx, s, now)) }
                section #live-frame sse-swap="frame" { (live_frame(ctx, latest)) }
            }
            @if s.status == "active" {
                form.stop-form method="post" action={"/proctor/sessions/" (s.id) "/stop"} {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    label for="stop-reason" { (ctx.t("monitor.stop.reason_label")) }
                    input #stop-reason type="text" name="reason" required maxlength="1000";
                    button.danger type="submit" { (ctx.t("monitor.stop.button")) }
                }
            }
            @if s.reviewed_at.is_none() {
                form method="post" action={"/proctor/sessions/" (s.id) "/reviewed"} {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    button type="submit" { (ctx.t("monitor.mark_reviewed")) }
                }
            }
            section aria-labelledby="summary-title" {
                h2 #summary-title { (ctx.t("monitor.summary")) }
                div #summary sse-swap="summary" { (summary(ctx, anomalies)) }
            }
            section aria-labelledby="timeline-title" {
                h2 #timeline-title { (ctx.t("monitor.timeline")) }
                ul #timeline .timeline sse-swap="timeline" hx-swap="afterbegin" { (anomaly_items(ctx, anomalies)) }
                @if anomalies.is_empty() { p.empty { (ctx.t("monitor.no_anomaly")) } }
            }
        }
    }
}
