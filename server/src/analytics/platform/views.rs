//! The platform page for a date range (admin): chart first, then figures and exports.

use maud::{Markup, html};

use super::PlatformReport;
use crate::analytics::dashboard::views::chart;
use crate::analytics::fmt;
use crate::analytics::reports::stats::BANDS;
use crate::analytics::reports::views::summary_table;
use crate::i18n::Lang;
use crate::views::charts::{self, Point};
use crate::views::components::datetime;

/// The page.
pub fn page(lang: Lang, p: &PlatformReport) -> Markup {
    let (from, to) = (fmt::date(p.from), fmt::date(p.to - 1));
    let query = format!("?from={from}&to={to}");
    let every = (p.per_day.len() / 10).max(1);
    html! {
        (charts::line_chart(&chart(lang, "chart-per-day", "analytics.chart.per_day", "analytics.day", "analytics.submissions",
            p.per_day.iter().map(|(d, n)| Point::new(fmt::short_day(*d), *n as f64)).collect(), every)))
        p.lead { (from) " → " (to) " · " (lang.t("analytics.submissions")) ": " (p.submissions) }
        p.exports {
            a.button.primary href={"/analytics/platform/report.pdf" (query)} download { (lang.t("analytics.download_pdf")) } " "
            a.button href={"/analytics/platform/report.csv" (query)} download { (lang.t("analytics.download_csv")) } " "
            a.button href={"/analytics/exports/submissions.csv" (query)} download { (lang.t("analytics.export_submissions")) } " "
            a.button href={"/analytics/exports/anomalies.csv" (query)} download { (lang.t("analytics.export_anomalies")) }
        }
        (charts::histogram(&chart(lang, "chart-scores", "analytics.chart.scores", "analytics.range", "analytics.copies",
            BANDS.iter().zip(p.summary.distribution).map(|(b, n)| Point::new(format!("{b} %"), n as f64)).collect(), 1)))
        h2 { (lang.t("analytics.summary")) }
        (summary_table(lang, &p.summary))
        h2 { (lang.t("analytics.per_exam")) }
        @if p.exams.is_empty() { p.no-data { (lang.t("analytics.no_graded")) } } @else {
            table.data {
                thead { tr { th { (lang.t("analytics.exam")) } th { (lang.t("analytics.teacher")) } th { (lang.t("analytics.graded")) } th { (lang.t("analytics.mean")) } th { (lang.t("analytics.pass_rate")) } } }
                tbody { @for e in &p.exams { tr {
                    td { a href={"/analytics/exams/" (e.exam_id)} { (e.title) } } td { (e.teacher) } td { (e.graded) }
                    td { (fmt::pct(lang, e.mean)) } td { (fmt::pct(lang, e.pass_rate)) }
                } } }
            }
        }
        h2 { (lang.t("analytics.new_users")) }
        dl.facts { @for (role, n) in &p.new_users { dt { (crate::analytics::exports::pdf_reports::role_label(lang, role)) } dd { (n) } } }
        p.hint { (lang.t("analytics.generated")) " " (datetime(p.generated_at)) }
    }
}
