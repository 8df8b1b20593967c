//! Markup of the proctor's panel: stats bar, active sessions, alerts feed, history, and the
//! notice a student reads when a proctor stopped their exam.

use maud::{Markup, html};

use super::queries::{AnomalyRow, HistoryFilter, SessionRow, Stats};
use crate::i18n::Lang;
use crate::monitoring::explain::explain;
use crate::monitoring::explain::views::checking_badge;
use crate::monitoring::model::{Kind, Severity, risk_level};
use crate::views::components::{local_time, stat};
use crate::web::PageCtx;

/// UTC midnight of the day of `now`.
pub fn utc_midnight(now: i64) -> i64 {
    now - now.rem_euclid(86_400_000)
}

/// `1 h 05 min`, `4 min 09 s`, `12 s`.
pub fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        s if s >= 3600 => format!("{} h {:02} min", s / 3600, s / 60 % 60),
        s if s >= 60 => format!("{} min {:02} s", s / 60, s % 60),
        s => format!("{s} s"),
    }
}

/// A severity badge.
pub fn severity_badge(lang: Lang, severity: &str) -> Markup {
    let label = Severity::parse(severity).map_or(severity, |s| lang.t(s.label_key()));
    html! { span class={"badge sev sev-" (severity)} { (label) } }
}

/// Label of an anomaly type.
pub fn kind_label(lang: Lang, kind: &str) -> &str {
    Kind::parse(kind).map_or(kind, |k| lang.t(k.label_key()))
}

/// The risk score with its level.
pub fn risk_badge(ctx: &PageCtx, score: i64) -> Markup {
    let level = risk_level(score);
    html! { span class={"badge risk risk-" (level)} title=(ctx.t("monitor.risk")) { (score) } }
}

/// The four KPI cards (live: `stats` event).
pub fn stats_bar(ctx: &PageCtx, s: &Stats) -> Markup {
    html! {
        (stat(ctx.t("monitor.stats.active"), s.active))
        (stat(ctx.t("monitor.stats.today"), s.today))
        (stat(ctx.t("monitor.stats.anomalies_today"), s.anomalies_today))
        (stat(ctx.t("monitor.stats.critical_today"), s.critical_today))
    }
}

/// The rows of a sessions table (live for active sessions: `sessions` event); `more` sessions
/// beyond the shown rows are counted in a last row.
pub fn session_rows(ctx: &PageCtx, rows: &[SessionRow], now: i64, active: bool, more: i64) -> Markup {
    html! {
        @if rows.is_empty() && more <= 0 {
            tr { td colspan="9" .empty { (ctx.t(if active { "monitor.no_active" } else { "monitor.no_history" })) } }
        }
        @for r in rows {
            tr #{"session-" (r.id)} .risky[r.risk_score >= 60] {
                td { (r.student_name) }
                td { (r.exam_title) }
                td { (local_time(r.started_at)) }
                td {
                    @if r.status == "active" { (duration(r.deadline_at - now)) }
                    @else { (r.stop_reason.as_deref().and_then(crate::monitoring::model::StopReason::parse).map_or("", |s| ctx.t(s.label_key()))) }
                }
                td.num { (r.frames) }
                td {
                    @for (sev, n) in [("critical", r.critical), ("high", r.high), ("medium", r.medium), ("low", r.low)] {
                        @if n > 0 { (severity_badge(ctx.lang, sev)) " " (n) " " }
                    }
                    @if r.critical + r.high + r.medium + r.low == 0 { "0" }
                }
                td { (risk_badge(ctx, r.risk_score)) @if r.checking { " " (checking_badge(ctx.lang)) } }
                td { @match r.last_frame_at { Some(at) => { (duration(now - at)) }, None => { "—" } } }
                td {
                    a href={"/proctor/sessions/" (r.id)} { (ctx.t("monitor.details")) }
                    @if r.reviewed_at.is_some() { " " span.badge.reviewed { (ctx.t("monitor.reviewed")) } }
                }
            }
        }
        @if more > 0 {
            tr #sessions-more { td colspan="9" .hint { (ctx.lang.tf("monitor.more_rows", &[("n", &more.to_string())])) } }
        }
    }
}

/// How many active sessions the panel does not list (`Stats::active` counts every one).
pub fn hidden_rows(stats: &Stats, shown: &[SessionRow]) -> i64 {
    stats.active.saturating_sub(i64::try_from(shown.len()).unwrap_or(i64::MAX)).max(0)
}

/// A sessions table; the active one is swapped live.
pub fn sessions_table(ctx: &PageCtx, rows: &[SessionRow], now: i64, active: bool, more: i64) -> Markup {
    html! {
        table.sessions {
            thead { tr {
                @for key in ["monitor.col.student", "monitor.col.exam", "monitor.col.started", if active { "monitor.col.left" } else { "monitor.col.ended" },
                    "monitor.col.frames", "monitor.col.anomalies", "monitor.col.risk", "monitor.col.last_frame", "monitor.col.actions"] {
                    th scope="col" { (ctx.t(key)) }
                }
            } }
            @if active {
                tbody #sessions-body sse-swap="sessions" { (session_rows(ctx, rows, now, true, more)) }
            } @else {
                tbody { (session_rows(ctx, rows, now, false, more)) }
            }
        }
    }
}

/// Items of the alerts feed (newest first; live: prepended by the `alerts` event), each with
/// its evidence thumbnail when a frame was kept.
pub fn alert_items(ctx: &PageCtx, items: &[AnomalyRow]) -> Markup {
    html! {
        @for a in items {
            li.alert-item .dismissed[a.review == "dismissed"] {
                @if let Some(frame) = &a.frame_id {
                    a href={"/monitoring/frames/" (frame)} target="_blank" rel="noopener" aria-label=(ctx.t("monitor.evidence_full")) {
                        img.thumb src={"/monitoring/frames/" (frame)} alt=(ctx.t("monitor.evidence")) width="80" height="60" loading="lazy";
                    }
                }
                (local_time(a.detected_at)) " " (severity_badge(ctx.lang, &a.severity)) " "
                strong { (kind_label(ctx.lang, &a.kind)) } " — " (explain(&a.facts(), ctx.lang).reason) " · "
                (a.student_name) " · " (a.exam_title) " · "
                a href={"/proctor/sessions/" (a.session_id) "#anomaly-" (a.id)} { (ctx.t("monitor.open")) }
            }
        }
    }
}

/// A toast for a critical or high anomaly (appended to `#toasts`).
pub fn alert_toast(ctx: &PageCtx, a: &AnomalyRow) -> Markup {
    let level = if a.severity == "critical" { "monitor.toast.critical" } else { "monitor.toast.high" };
    html! {
        div class="toast toast-error" role="alert" {
            strong { (ctx.t(level)) } " " (kind_label(ctx.lang, &a.kind)) " — " (a.student_name) " (" (a.exam_title) ")"
        }
    }
}

/// The whole panel.
pub fn panel(ctx: &PageCtx, stats: &Stats, active: &[SessionRow], alerts: &[AnomalyRow], now: i64) -> Markup {
    html! {
        div #proctor-panel hx-ext="sse" sse-connect={"/proctor/stream?after=" (now)} {
            nav.tabs aria-label=(ctx.t("monitor.sections")) {
                a href="#active" { (ctx.t("monitor.tab.active")) } " · "
                a href="#alerts" { (ctx.t("monitor.tab.alerts")) } " · "
                a href="/proctor/history" { (ctx.t("monitor.tab.history")) }
                @if ctx.viewer_is(crate::accounts::model::Role::Admin.as_str()) {
                    " · " a href="/proctor/assignments" { (ctx.t("monitor.assign.title")) }
                }
            }
            section.stats #stats aria-label=(ctx.t("monitor.stats")) aria-live="polite" sse-swap="stats" { (stats_bar(ctx, stats)) }
            section #active aria-labelledby="active-title" {
                h2 #active-title { (ctx.t("monitor.tab.active")) }
                (sessions_table(ctx, active, now, true, hidden_rows(stats, active)))
            }
            section #alerts aria-labelledby="alerts-title" {
                h2 #alerts-title { (ctx.t("monitor.tab.alerts")) }
                ul #alerts-feed .alerts sse-swap="alerts" hx-swap="afterbegin" { (alert_items(ctx, alerts)) }
            }
            div #live-toasts sse-swap="toast" hx-target="#toasts" hx-swap="beforeend" hidden {}
        }
    }
}

/// The history tab with its filters.
pub fn history(
    ctx: &PageCtx,
    rows: &[SessionRow],
    exams: &[(String, String)],
    f: &HistoryFilter,
    day: &str,
    risk: &str,
    now: i64,
) -> Markup {
    html! {
        p { a href="/proctor" { "← " (ctx.t("monitor.tab.active")) } }
        form.filters method="get" action="/proctor/history" hx-get="/proctor/history" hx-target="#history" hx-select="#history" hx-push-url="true" {
            div.field {
                label for="exam" { (ctx.t("monitor.col.exam")) }
                select #exam name="exam" {
                    option value="" { (ctx.t("monitor.filter.all")) }
                    @for (id, title) in exams { option value=(id) selected[f.exam_id.as_deref() == Some(id.as_str())] { (title) } }
                }
            }
            div.field { label for="day" { (ctx.t("monitor.filter.day")) } input #day type="date" name="day" value=(day); }
            div.field {
                label for="risk" { (ctx.t("monitor.filter.risk")) }
                select #risk name="risk" {
                    @for (value, key) in [("", "monitor.filter.all"), ("medium", "monitor.filter.risk_medium"), ("high", "monitor.filter.risk_high")] {
                        option value=(value) selected[risk == value] { (ctx.t(key)) }
                    }
                }
            }
            button type="submit" { (ctx.t("monitor.filter.apply")) }
        }
        div #history { (sessions_table(ctx, rows, now, false, 0)) }
    }
}

/// What the student reads on their result page after a proctor stopped the exam.
pub fn stop_notice(lang: Lang, note: &str, at: i64) -> Markup {
    html! {
        div.notice.notice-error #proctor-stop role="alert" {
            p { strong { (lang.t("monitor.student.stopped")) } " " (local_time(at)) }
            @if !note.is_empty() { p { (lang.t("monitor.student.reason")) " " q { (note) } } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_midnight() {
        assert_eq!(duration(12_400), "12 s");
        assert_eq!(duration(249_000), "4 min 09 s");
        assert_eq!(duration(3_900_000), "1 h 05 min");
        assert_eq!(duration(-5), "0 s");
        assert_eq!(utc_midnight(1_769_680_800_000), 1_769_644_800_000);
    }
}
