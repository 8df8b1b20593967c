//! The exam analytics page and the student analytics page (each leads with its chart).

use maud::{Markup, html};

use super::stats::{BANDS, ScoreSummary};
use super::{ExamReport, UserReport};
use crate::analytics::dashboard::views::chart;
use crate::analytics::fmt;
use crate::i18n::Lang;
use crate::views::charts::{self, Point};
use crate::views::components::datetime;

fn exports(lang: Lang, base: &str) -> Markup {
    html! {
        p.exports {
            a.button.primary href={(base) "/report.pdf"} download { (lang.t("analytics.download_pdf")) }
            " "
            a.button href={(base) "/report.csv"} download { (lang.t("analytics.download_csv")) }
        }
    }
}

/// The figures table shared by both pages.
pub fn summary_table(lang: Lang, s: &ScoreSummary) -> Markup {
    let rows: [(&str, String); 9] = [
        ("analytics.mean", fmt::pct(lang, s.mean)),
        ("analytics.median", fmt::pct(lang, s.median)),
        ("analytics.min", fmt::pct(lang, s.min)),
        ("analytics.max", fmt::pct(lang, s.max)),
        ("analytics.std_dev", fmt::dec1(lang, s.std_dev)),
        ("analytics.q1", fmt::pct(lang, s.q1)),
        ("analytics.q3", fmt::pct(lang, s.q3)),
        ("analytics.passed", s.passed.to_string()),
        ("analytics.pass_rate", fmt::pct(lang, s.pass_rate)),
    ];
    html! {
        @if s.count == 0 { p.no-data { (lang.t("analytics.no_graded")) } }
        dl.facts {
            dt { (lang.t("analytics.graded")) } dd { (s.count) }
            @for (key, value) in &rows { dt { (lang.t(key)) } dd { (value) } }
        }
    }
}

fn anomalies(lang: Lang, by_type: &[(String, i64)]) -> Markup {
    let text = "analytics.no_anomalies";
    html! {
        h2 { (lang.t("analytics.anomalies_by_type")) }
        @if by_type.is_empty() { p.no-data { (lang.t(text)) } } @else {
            (charts::bar_chart(&chart(lang, "chart-anomalies", "analytics.anomalies_by_type", "analytics.anomaly_type", "analytics.anomalies",
                by_type.iter().map(|(k, n)| Point::new(k.clone(), *n as f64)).collect(), 1)))
        }
    }
}

/// The exam analytics page.
pub fn exam_page(lang: Lang, r: &ExamReport) -> Markup {
    let base = format!("/analytics/exams/{}", r.exam_id);
    let flagged: Vec<_> = r.items.iter().filter(|i| i.stats.flagged()).collect();
    html! {
        (charts::histogram(&chart(lang, "chart-distribution", "analytics.chart.scores", "analytics.range", "analytics.copies",
            BANDS.iter().zip(r.summary.distribution).map(|(b, n)| Point::new(format!("{b} %"), n as f64)).collect(), 1)))
        p.lead { (lang.tf("analytics.exam_lead", &[("teacher", &r.teacher_name), ("n", &r.submissions.to_string()), ("pending", &r.pending.to_string()), ("mark", &r.pass_mark.to_string())])) }
        (exports(lang, &base))
        h2 { (lang.t("analytics.summary")) }
        (summary_table(lang, &r.summary))
        h2 #items-title { (lang.t("analytics.items")) }
        @if !flagged.is_empty() {
            div.notice.notice-error role="status" {
                (lang.t("analytics.items_flagged")) " "
                @for (i, item) in flagged.iter().enumerate() { @if i > 0 { ", " } "Q" (item.question.position) }
            }
        }
        p.hint { (lang.t("analytics.items_hint")) }
        table.data aria-labelledby="items-title" {
            thead { tr {
                th scope="col" { "#" } th scope="col" { (lang.t("analytics.question")) } th scope="col" { (lang.t("analytics.attempts")) }
                th scope="col" { (lang.t("analytics.correct_rate")) } th scope="col" { (lang.t("analytics.difficulty")) }
                th scope="col" { (lang.t("analytics.discrimination")) } th scope="col" { (lang.t("analytics.avg_points")) }
            } }
            tbody {
                @for item in &r.items {
                    tr.flagged[item.stats.flagged()] {
                        td { (item.question.position) }
                        td { (item.question.prompt.chars().take(80).collect::<String>()) " " span.badge.muted { (kind_label(lang, &item.question.kind)) } }
                        td { (item.stats.attempts) }
                        td { (fmt::pct(lang, item.stats.correct_rate)) }
                        td { (lang.t(item.stats.difficulty.key())) }
                        td { @match item.stats.discrimination {
                            Some(d) => { (signed(lang, d)) @if d < 0.0 { " " span.badge.bad { (lang.t("analytics.negative")) } } },
                            None => span.hint { "—" },
                        } }
                        td { (fmt::points(lang, item.stats.average_hundredths)) " / " (fmt::points(lang, item.question.points_hundredths as f64)) }
                    }
                }
            }
        }
        (anomalies(lang, &r.anomalies))
        p.hint { (lang.t("analytics.generated")) " " (datetime(r.generated_at)) }
    }
}

/// The student analytics page.
pub fn user_page(lang: Lang, r: &UserReport) -> Markup {
    let base = format!("/analytics/users/{}", r.user_id);
    let graded: Vec<_> = r.history.iter().filter(|h| h.score_hundredths.is_some()).collect();
    html! {
        (charts::line_chart(&chart(lang, "chart-trend", "analytics.chart.trend", "analytics.exam", "analytics.score_pct",
            graded.iter().map(|h| Point::new(fmt::date(h.submitted_at), super::stats::percent(h.score_hundredths.unwrap_or(0), h.max_score_hundredths))).collect(), 1)))
        p.lead { (r.name) " · " (r.email) }
        (exports(lang, &base))
        h2 { (lang.t("analytics.summary")) }
        dl.facts {
            dt { (lang.t("analytics.exams_taken")) } dd { (r.history.len()) }
            dt { (lang.t("analytics.failed")) } dd { (r.summary.count - r.summary.passed) }
        }
        (summary_table(lang, &r.summary))
        h2 { (lang.t("analytics.kinds")) }
        @if r.kinds.is_empty() { p.no-data { (lang.t("analytics.no_graded")) } } @else {
            (charts::bar_chart(&chart(lang, "chart-kinds", "analytics.kinds", "analytics.kind", "analytics.score_pct",
                r.kinds.iter().map(|k| Point::new(kind_label(lang, &k.kind), (k.rate * 10.0).round() / 10.0)).collect(), 1)))
            p { strong { (lang.t("analytics.strongest")) } " " (list(lang, &r.strongest())) }
            p { strong { (lang.t("analytics.weakest")) } " " (list(lang, &r.weakest())) }
        }
        h2 { (lang.t("analytics.history")) }
        @if r.history.is_empty() { p.no-data { (lang.t("analytics.no_submissions")) } } @else {
            table.data {
                thead { tr { th { (lang.t("analytics.exam")) } th { (lang.t("analytics.when")) } th { (lang.t("analytics.score")) } th { (lang.t("grading.status")) } } }
                tbody { @for h in &r.history { tr {
                    td { (h.exam_title) } td { (datetime(h.submitted_at)) }
                    td { @match h.score_hundredths { Some(s) => (fmt::pct(lang, super::stats::percent(s, h.max_score_hundredths))), None => "—" } }
                    td { @match h.passed { Some(1) => span.badge.ok { (lang.t("grading.passed")) }, Some(_) => span.badge.bad { (lang.t("grading.failed")) }, None => span.badge.warn { (lang.t("grading.pending")) } } }
                } } }
            }
        }
        (anomalies(lang, &r.anomalies))
        p.hint { (lang.t("analytics.generated")) " " (datetime(r.generated_at)) }
    }
}

fn list(lang: Lang, kinds: &[&super::KindRate]) -> Markup {
    html! {
        @if kinds.is_empty() { "—" }
        @for (i, k) in kinds.iter().enumerate() { @if i > 0 { ", " } (kind_label(lang, &k.kind)) " (" (fmt::pct(lang, k.rate)) ")" }
    }
}

/// A discrimination index with its sign and two decimals (`+0.45`, French `+0,45`).
pub fn signed(lang: Lang, d: f64) -> String {
    let text = format!("{d:+.2}");
    if lang == Lang::Fr { text.replace('.', ",") } else { text }
}

/// The label of a question kind.
pub fn kind_label(lang: Lang, kind: &str) -> String {
    match kind {
        "mcq" => lang.t("analytics.kind.mcq"),
        "true_false" => lang.t("analytics.kind.true_false"),
        "short_answer" => lang.t("analytics.kind.short_answer"),
        "essay" => lang.t("analytics.kind.essay"),
        other => other,
    }
    .to_owned()
}
