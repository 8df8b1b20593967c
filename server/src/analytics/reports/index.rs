//! The reports page: search any exam or user (htmx search boxes), platform report and exports
//! for a date range.

use maud::{Markup, html};

use crate::accounts::model::User;
use crate::analytics::platform::queries::ExamHit;
use crate::i18n::Lang;

/// What the caller may do on the reports page.
pub struct Abilities {
    /// Search users, platform report, anomalies export (admin).
    pub admin: bool,
    /// Search exams and export submissions (teacher or admin).
    pub exams: bool,
}

/// The reports page.
pub fn index(lang: Lang, can: &Abilities, from: &str, to: &str) -> Markup {
    html! {
        @if can.exams {
            section aria-labelledby="find-exam" {
                h2 #find-exam { (lang.t("analytics.find_exam")) }
                (search_box(lang, "exam-q", "/analytics/search/exams", "exam-results", "analytics.find_exam_hint"))
                div #exam-results aria-live="polite" {}
            }
        }
        @if can.admin {
            section aria-labelledby="find-user" {
                h2 #find-user { (lang.t("analytics.find_user")) }
                (search_box(lang, "user-q", "/analytics/search/users", "user-results", "analytics.find_user_hint"))
                div #user-results aria-live="polite" {}
            }
        }
        section aria-labelledby="range-title" {
            h2 #range-title { (lang.t("analytics.range_exports")) }
            p.hint { (lang.t("analytics.range_hint")) }
            @if can.admin {
                (range_form(lang, "/analytics/platform", "platform", "analytics.platform_open", from, to))
                (range_form(lang, "/analytics/platform/report.pdf", "platform-pdf", "analytics.platform_pdf", from, to))
                (range_form(lang, "/analytics/platform/report.csv", "platform-csv", "analytics.platform_csv", from, to))
                (range_form(lang, "/analytics/exports/anomalies.csv", "anomalies", "analytics.export_anomalies", from, to))
            }
            (range_form(lang, "/analytics/exports/submissions.csv", "submissions", "analytics.export_submissions", from, to))
        }
    }
}

fn search_box(lang: Lang, id: &str, url: &str, target: &str, hint: &'static str) -> Markup {
    html! {
        form.search role="search" action=(url) method="get" hx-get=(url) hx-target={"#" (target)} {
            div.field {
                label for=(id) { (lang.t("analytics.search")) }
                input #(id) type="search" name="q" placeholder=(lang.t(hint)) autocomplete="off"
                    hx-get=(url) hx-target={"#" (target)} hx-trigger="input changed delay:300ms, search";
            }
            button type="submit" { (lang.t("analytics.search")) }
        }
    }
}

fn range_form(lang: Lang, action: &str, id: &str, label: &'static str, from: &str, to: &str) -> Markup {
    html! {
        form.search.range method="get" action=(action) {
            div.field { label for={(id) "-from"} { (lang.t("analytics.from")) } input #{(id) "-from"} type="date" name="from" value=(from) required; }
            div.field { label for={(id) "-to"} { (lang.t("analytics.to")) } input #{(id) "-to"} type="date" name="to" value=(to) required; }
            button type="submit" { (lang.t(label)) }
        }
    }
}

/// Exams found by a search.
pub fn exam_hits(lang: Lang, hits: &[ExamHit]) -> Markup {
    html! {
        @if hits.is_empty() { p.no-data { (lang.t("analytics.nothing_found")) } } @else {
            table.data {
                thead { tr { th { (lang.t("analytics.exam")) } th { (lang.t("analytics.teacher")) } th { (lang.t("analytics.submissions")) } th { (lang.t("analytics.reports")) } } }
                tbody { @for h in hits { tr {
                    td { a href={"/analytics/exams/" (h.id)} { (h.title) } @if h.status != "published" { " " span.badge.muted { (h.status) } } }
                    td { (h.teacher_name) } td { (h.submissions) }
                    td { a href={"/analytics/exams/" (h.id) "/report.pdf"} download { "PDF" } " · " a href={"/analytics/exams/" (h.id) "/report.csv"} download { "CSV" }
                         " · " a href={"/analytics/exports/submissions.csv?exam_id=" (h.id)} download { (lang.t("analytics.submissions")) } }
                } } }
            }
        }
    }
}

/// Users found by a search.
pub fn user_hits(lang: Lang, users: &[User]) -> Markup {
    html! {
        @if users.is_empty() { p.no-data { (lang.t("analytics.nothing_found")) } } @else {
            table.data {
                thead { tr { th { (lang.t("analytics.student")) } th { (lang.t("analytics.email")) } th { (lang.t("analytics.role")) } th { (lang.t("analytics.reports")) } } }
                tbody { @for u in users { tr {
                    td { a href={"/analytics/users/" (u.id)} { (u.name) } } td { (u.email) } td { (u.role.label(lang)) }
                    td { a href={"/analytics/users/" (u.id) "/report.pdf"} download { "PDF" } " · " a href={"/analytics/users/" (u.id) "/report.csv"} download { "CSV" } }
                } } }
            }
        }
    }
}
