//! Markup of the explanations (proctor's session page, teacher's copy and results table) and
//! the neutral "being checked" badge.

use maud::{Markup, html};

use super::build::{Explanation, explain, score_text, verdict_text};
use super::queries::{AttemptIntegrity, ExplainedAnomaly};
use crate::i18n::Lang;
use crate::monitoring::panels::views::{kind_label, risk_badge, severity_badge};
use crate::views::components::local_time;
use crate::web::PageCtx;

/// A transient, neutral state: the server is checking a flagged picture (not an alert).
pub fn checking_badge(lang: Lang) -> Markup {
    html! { span.badge.checking role="status" title=(lang.t("explain.checking_hint")) { (lang.t("explain.checking")) } }
}

fn browser_cell(lang: Lang, e: &Explanation) -> Markup {
    html! {
        (verdict_text(lang, e.browser.as_ref()))
        @match e.browser_flagged {
            Some(true) => { br; small.muted { (lang.t("explain.browser_flagged")) } }
            Some(false) => { br; small.muted { (lang.t("explain.browser_not_flagged")) } }
            None => {}
        }
    }
}

fn models_text(lang: Lang, e: &Explanation) -> String {
    let mut parts = Vec::new();
    if let Some(m) = &e.face_model {
        parts.push(format!("{} {m}", lang.t("explain.face_model")));
    }
    if let Some(m) = &e.object_model {
        parts.push(format!("{} {m}", lang.t("explain.object_model")));
    }
    if parts.is_empty() { lang.t("explain.not_recorded").to_owned() } else { parts.join(" · ") }
}

fn thresholds_text(lang: Lang, e: &Explanation) -> String {
    let mut parts = Vec::new();
    if let Some(v) = e.face_threshold {
        parts.push(lang.tf("explain.threshold.face", &[("v", &score_text(lang, v))]));
    }
    if let Some(v) = e.object_threshold {
        parts.push(lang.tf("explain.threshold.object", &[("v", &score_text(lang, v))]));
    }
    if parts.is_empty() { lang.t("explain.not_recorded").to_owned() } else { parts.join(" · ") }
}

/// One explanation: the reason, both verdicts side by side, models, thresholds, evidence id.
pub fn explanation(lang: Lang, e: &Explanation) -> Markup {
    html! {
        dl.explanation {
            dt { (lang.t("explain.reason")) } dd.reason { (e.reason) }
            @if e.visual || e.browser.is_some() || e.server.is_some() {
                dt { (lang.t("explain.verdicts")) }
                dd {
                    table.verdicts {
                        thead { tr { th scope="col" { (lang.t("explain.browser")) } th scope="col" { (lang.t("explain.server")) } } }
                        tbody { tr {
                            td.browser-verdict { (browser_cell(lang, e)) }
                            td.server-verdict { (verdict_text(lang, e.server.as_ref())) }
                        } }
                    }
                }
                dt { (lang.t("explain.models")) } dd.models { (models_text(lang, e)) }
                dt { (lang.t("explain.thresholds")) } dd.thresholds { (thresholds_text(lang, e)) }
            }
            @if let Some(frame) = &e.evidence_frame_id {
                dt { (lang.t("explain.evidence_frame")) } dd { code.frame-id { (frame) } }
            }
        }
    }
}

fn decision(ctx: &PageCtx, a: &ExplainedAnomaly) -> Markup {
    let key = if a.review == "confirmed" { "monitor.review.confirmed" } else { "monitor.review.pending" };
    html! {
        span class={"decision decision-" (a.review)} { (ctx.t(key)) }
        @if let Some(name) = a.reviewer_name.as_deref() { " " (ctx.lang.tf("explain.integrity.by", &[("name", name)])) }
        @if let Some(note) = a.review_note.as_deref().filter(|n| !n.is_empty()) { " — " q { (note) } }
    }
}

fn evidence_link(ctx: &PageCtx, a: &ExplainedAnomaly) -> Markup {
    html! { a.evidence href={"/proctor/sessions/" (a.session_id) "#anomaly-" (a.id)} { (ctx.t("explain.integrity.evidence")) } }
}

/// The results table's cell: risk, then each confirmed anomaly's reason and decision.
pub fn integrity_cell(ctx: &PageCtx, i: Option<&AttemptIntegrity>, evidence: bool) -> Markup {
    let Some(i) = i else { return html! { small.muted { (ctx.t("explain.integrity.not_monitored")) } } };
    html! {
        (risk_badge(ctx, i.risk_score))
        @if i.anomalies.is_empty() { " " small.muted { (ctx.t("explain.integrity.none")) } }
        ul.integrity-reasons {
            @for a in &i.anomalies {
                li {
                    (severity_badge(ctx.lang, &a.severity)) " " (explain(&a.facts(), ctx.lang).reason) " · " (decision(ctx, a))
                    @if evidence { " · " (evidence_link(ctx, a)) }
                }
            }
        }
    }
}

/// The copy page's section: risk and every confirmed anomaly explained, with the decisions.
pub fn integrity_section(ctx: &PageCtx, i: Option<&AttemptIntegrity>, evidence: bool) -> Markup {
    html! {
        section.card #integrity aria-labelledby="integrity-title" {
            h2 #integrity-title { (ctx.t("explain.integrity")) }
            @match i {
                None => { p.muted { (ctx.t("explain.integrity.not_monitored")) } }
                Some(i) => {
                    p { (ctx.t("monitor.risk")) " " (risk_badge(ctx, i.risk_score)) }
                    p.hint { (ctx.t("explain.integrity.hint")) }
                    @if i.anomalies.is_empty() { p { (ctx.t("explain.integrity.none")) } }
                    ol.integrity {
                        @for a in &i.anomalies {
                            li #{"integrity-" (a.id)} {
                                p {
                                    (severity_badge(ctx.lang, &a.severity)) " " strong { (kind_label(ctx.lang, &a.kind)) }
                                    " · " (local_time(a.started_at)) " · " (decision(ctx, a))
                                    @if evidence { " · " (evidence_link(ctx, a)) }
                                }
                                (explanation(ctx.lang, &explain(&a.facts(), ctx.lang)))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One confirmed anomaly as plain-text lines (the exam report PDF).
pub fn explain_lines(lang: Lang, a: &ExplainedAnomaly) -> Vec<String> {
    let e = explain(&a.facts(), lang);
    let decision_key = if a.review == "confirmed" { "monitor.review.confirmed" } else { "monitor.review.pending" };
    let mut decision = lang.t(decision_key).to_owned();
    if let Some(name) = a.reviewer_name.as_deref() {
        decision = format!("{decision} {}", lang.tf("explain.integrity.by", &[("name", name)]));
    }
    let when = crate::views::components::datetime(a.started_at);
    let mut lines = vec![
        format!("{} · {} · {when} · {decision}", a.student_name, kind_label(lang, &a.kind)),
        lang.tf("explain.line.reason", &[("reason", &e.reason)]),
    ];
    if e.visual || e.browser.is_some() || e.server.is_some() {
        let mut browser = verdict_text(lang, e.browser.as_ref());
        match e.browser_flagged {
            Some(true) => browser = format!("{browser} ({})", lang.t("explain.browser_flagged")),
            Some(false) => browser = format!("{browser} ({})", lang.t("explain.browser_not_flagged")),
            None => {}
        }
        let server = verdict_text(lang, e.server.as_ref());
        lines.push(lang.tf("explain.line.verdicts", &[("browser", &browser), ("server", &server)]));
        let (models, thresholds) = (models_text(lang, &e), thresholds_text(lang, &e));
        lines.push(lang.tf("explain.line.models", &[("models", &models), ("thresholds", &thresholds)]));
    }
    if let Some(frame) = &e.evidence_frame_id {
        lines.push(lang.tf("explain.line.evidence", &[("id", frame)]));
    }
    lines
}
