//! The admin dashboard: one live block (charts, alerts, KPIs, health, recent activity) that htmx
//! replaces every few seconds with the same function's output.

use maud::{Markup, html};

use super::alerts::Alert;
use crate::analytics::fmt;
use crate::analytics::platform::Dashboard;
use crate::analytics::reports::stats::BANDS;
use crate::i18n::Lang;
use crate::ops::components::Component;
use crate::views::charts::{self, Chart, Point};
use crate::views::components::{datetime, stat};

/// The live block; `refresh_secs` is how often it reloads itself.
pub fn live(lang: Lang, d: &Dashboard, health: &[Component], alerts: &[Alert], now: i64, refresh_secs: u64) -> Markup {
    let trigger = format!("every {refresh_secs}s");
    html! {
        div #dashboard hx-get="/admin/parts/dashboard" hx-trigger=(trigger) hx-swap="outerHTML" aria-busy="false" {
            (alert_list(lang, alerts))
            div.chart-grid {
                (charts::line_chart(&chart(lang, "chart-per-day", "analytics.chart.per_day", "analytics.day", "analytics.submissions",
                    d.per_day.iter().map(|(day, n)| Point::new(fmt::short_day(*day), *n as f64)).collect(), 5)))
                (charts::histogram(&chart(lang, "chart-scores", "analytics.chart.scores", "analytics.range", "analytics.copies",
                    BANDS.iter().zip(d.distribution).map(|(b, n)| Point::new(format!("{b} %"), n as f64)).collect(), 1)))
                (charts::bar_chart(&chart(lang, "chart-per-hour", "analytics.chart.per_hour", "analytics.hour", "analytics.anomalies",
                    d.anomalies_per_hour.iter().enumerate().map(|(h, n)| Point::new(format!("{h:02}h"), *n as f64)).collect(), 3)))
                (charts::bar_chart(&chart(lang, "chart-types", "analytics.chart.types", "analytics.anomaly_type", "analytics.anomalies",
                    d.anomaly_types_today.iter().map(|(k, n)| Point::new(k.clone(), *n as f64)).collect(), 1)))
            }
            (kpis(lang, d))
            (health_panel(lang, health))
            div.two-columns {
                (recent(lang, d))
                (top(lang, d))
            }
            (today(lang, d))
            (recent_anomalies(lang, d))
            p.hint { (lang.t("analytics.updated")) " " (datetime(now)) }
        }
    }
}

/// A chart's texts.
pub fn chart<'a>(
    lang: Lang,
    id: &'a str,
    title: &'static str,
    label: &'static str,
    value: &'static str,
    points: Vec<Point>,
    label_every: usize,
) -> Chart<'a> {
    Chart {
        id,
        title: lang.t(title),
        label_header: lang.t(label),
        value_header: lang.t(value),
        no_data: lang.t("analytics.no_data"),
        table_caption: lang.t("analytics.chart.table"),
        points,
        label_every,
    }
}

fn alert_list(lang: Lang, alerts: &[Alert]) -> Markup {
    html! {
        @if !alerts.is_empty() {
            section.alerts aria-labelledby="alerts-title" {
                h2 #alerts-title { (lang.t("analytics.alerts")) }
                ul {
                    @for a in alerts {
                        @let args: Vec<(&str, &str)> = a.args.iter()
                            .map(|(k, v)| (*k, if *k == "component" { component_name(lang, v) } else { v.as_str() }))
                            .collect();
                        li class={"alert alert-" (a.level.as_str())} role="alert" { (lang.tf(a.key, &args)) }
                    }
                }
            }
        }
    }
}

fn kpis(lang: Lang, d: &Dashboard) -> Markup {
    html! {
        section.stats aria-label=(lang.t("admin.kpis")) {
            @for (role, n) in &d.by_role { (stat(role.label(lang), *n)) }
            (stat(lang.t("admin.published_exams"), d.published_exams))
            (stat(lang.t("analytics.kpi.submissions"), d.submissions_total))
            (stat(lang.t("analytics.kpi.submissions_today"), d.submissions_today))
            (stat(lang.t("analytics.kpi.sessions"), d.sessions.total))
            (stat(lang.t("analytics.kpi.sessions_active"), d.sessions.active))
            (stat(lang.t("analytics.kpi.anomalies_today"), d.anomalies_today_total()))
            div.stat {
                span.stat-value { (fmt::dec1(lang, d.anomalies_per_attempt)) }
                span.stat-label { (lang.t("analytics.kpi.anomalies_per_attempt")) }
            }
        }
        @if !d.anomalies_today.is_empty() {
            p.hint { (lang.t("analytics.by_severity")) " "
                @for (i, (sev, n)) in d.anomalies_today.iter().enumerate() { @if i > 0 { ", " } (sev) ": " (n) } }
        }
    }
}

/// The health panel.
pub fn health_panel(lang: Lang, health: &[Component]) -> Markup {
    html! {
        section.health aria-labelledby="health-title" {
            h2 #health-title { (lang.t("analytics.health")) }
            ul.health-list {
                @for c in health {
                    li class={"health-item health-" (c.status.as_str())} data-component=(c.name) {
                        span.health-dot aria-hidden="true" {}
                        strong { (component_name(lang, c.name)) }
                        " " span.badge { (status_name(lang, c.status.as_str())) }
                        " " span.hint { (c.detail) " · " (c.latency_ms) " ms" }
                    }
                }
            }
        }
    }
}

fn component_name(lang: Lang, name: &str) -> &'static str {
    match name {
        "database" => lang.t("analytics.health.database"),
        "events" => lang.t("analytics.health.events"),
        "storage" => lang.t("analytics.health.storage"),
        "smtp" => lang.t("analytics.health.smtp"),
        _ => lang.t("analytics.health.workers"),
    }
}

fn status_name(lang: Lang, status: &str) -> &'static str {
    match status {
        "up" => lang.t("analytics.health.up"),
        "degraded" => lang.t("analytics.health.degraded"),
        "down" => lang.t("analytics.health.down"),
        _ => lang.t("analytics.health.off"),
    }
}

fn recent(lang: Lang, d: &Dashboard) -> Markup {
    html! {
        section aria-labelledby="recent-title" {
            h2 #recent-title { (lang.t("analytics.recent")) " " span.badge { (d.recent.len()) } }
            @if d.recent.is_empty() { p.no-data { (lang.t("analytics.no_submissions")) } } @else {
                table.data {
                    thead { tr { th { (lang.t("analytics.student")) } th { (lang.t("analytics.exam")) } th { (lang.t("analytics.score")) } th { (lang.t("analytics.when")) } } }
                    tbody {
                        @for r in &d.recent {
                            tr {
                                td { a href={"/analytics/users/" (r.student_id)} { (r.student_name) } }
                                td { a href={"/analytics/exams/" (r.exam_id)} { (r.exam_title) } }
                                td { @match r.score_hundredths {
                                    Some(s) => (fmt::pct(lang, crate::analytics::reports::stats::percent(s, r.max_score_hundredths))),
                                    None => span.badge.warn { (lang.t("grading.pending")) },
                                } }
                                td { (datetime(r.submitted_at)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn top(lang: Lang, d: &Dashboard) -> Markup {
    html! {
        section aria-labelledby="top-title" {
            h2 #top-title { (lang.t("analytics.top")) }
            @if d.top.is_empty() { p.no-data { (lang.t("analytics.top_none")) } } @else {
                ol.top-list {
                    @for p in &d.top {
                        li { a href={"/analytics/users/" (p.student_id)} { (p.name) } " — " (fmt::pct(lang, p.average))
                            " " span.hint { (lang.tf("analytics.n_exams", &[("n", &p.exams.to_string())])) } }
                    }
                }
            }
        }
    }
}

fn today(lang: Lang, d: &Dashboard) -> Markup {
    html! {
        section aria-labelledby="today-title" {
            h2 #today-title { (lang.t("analytics.today")) }
            dl.facts {
                dt { (lang.t("analytics.today.exams")) } dd { (d.exams_today) }
                dt { (lang.t("analytics.today.started")) } dd { (d.started_today) }
                dt { (lang.t("analytics.kpi.submissions_today")) } dd { (d.submissions_today) }
                dt { (lang.t("analytics.kpi.anomalies_today")) } dd { (d.anomalies_today_total()) }
            }
            p { a.button href="/analytics" { (lang.t("analytics.open_reports")) } }
        }
    }
}

fn recent_anomalies(lang: Lang, d: &Dashboard) -> Markup {
    html! {
        section aria-labelledby="recent-anomalies-title" {
            h2 #recent-anomalies-title { (lang.t("analytics.recent_anomalies")) }
            @if d.recent_anomalies.is_empty() { p.no-data { (lang.t("analytics.no_anomalies")) } }
            @else {
                table.data {
                    thead { tr { th { (lang.t("analytics.anomaly_type")) } th { (lang.t("analytics.severity")) } th { (lang.t("analytics.student")) } th { (lang.t("analytics.exam")) } th { (lang.t("analytics.when")) } } }
                    tbody { @for a in &d.recent_anomalies {
                        tr { td { (a.kind) } td { (a.severity) } td { (a.student_name) } td { (a.exam_title) } td { (datetime(a.detected_at)) } }
                    } }
                }
            }
        }
    }
}
