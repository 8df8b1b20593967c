//! Small reusable pieces: form fields with their errors, notices, stat cards.

use maud::{Markup, html};

use crate::i18n::Lang;

/// A labelled input with its error message (linked with `aria-describedby`).
pub struct Field<'a> {
    /// Input name and id.
    pub name: &'a str,
    /// Visible label.
    pub label: &'a str,
    /// Input type (`text`, `email`, `password`, …).
    pub kind: &'a str,
    /// Current value (never set for passwords).
    pub value: &'a str,
    /// Error to show, already translated.
    pub error: Option<&'a str>,
    /// Browser autocomplete hint.
    pub autocomplete: &'a str,
    /// Whether the field is required.
    pub required: bool,
}

impl Field<'_> {
    /// Renders the field.
    pub fn render(&self) -> Markup {
        let error_id = format!("{}-error", self.name);
        html! {
            div.field.invalid[self.error.is_some()] {
                label for=(self.name) { (self.label) }
                input #(self.name) name=(self.name) type=(self.kind) value=(self.value)
                    autocomplete=(self.autocomplete) required[self.required]
                    aria-invalid=[self.error.map(|_| "true")]
                    aria-describedby=[self.error.map(|_| error_id.as_str())];
                @if let Some(err) = self.error {
                    p.field-error #(error_id) { (err) }
                }
            }
        }
    }
}

/// A notice block (kind: `info`, `error`, `success`).
pub fn notice(kind: &str, text: &str) -> Markup {
    html! { div class={"notice notice-" (kind)} role=(if kind == "error" { "alert" } else { "status" }) { (text) } }
}

/// A "later release" placeholder: the page says plainly what is not built yet.
pub fn coming_later(lang: Lang, what_key: &'static str) -> Markup {
    html! {
        section.placeholder aria-label=(lang.t("placeholder.label")) {
            p { strong { (lang.t("placeholder.title")) } " " (lang.t(what_key)) }
        }
    }
}

/// A KPI card.
pub fn stat(label: &str, value: i64) -> Markup {
    html! { div.stat { span.stat-value { (value) } span.stat-label { (label) } } }
}

/// Formats UTC milliseconds as `YYYY-MM-DD HH:MM UTC`.
pub fn datetime(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

/// A UTC time the browser rewrites in the reader's time zone (`data-local`); the UTC text stays
/// for readers without JavaScript.
pub fn local_time(ms: i64) -> maud::Markup {
    let iso = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default();
    html! { time datetime=(iso) data-local { (datetime(ms)) } }
}

/// Like [`local_time`], showing only the time of day (e.g. "saved at 10:32:05").
pub fn local_clock(ms: i64) -> maud::Markup {
    let format = time::macros::format_description!("[hour]:[minute]:[second] UTC");
    let utc = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok();
    let text = utc.and_then(|t| t.format(format).ok()).unwrap_or_default();
    let iso = utc.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()).unwrap_or_default();
    html! { time datetime=(iso) data-local="time" { (text) } }
}

/// Previous / "page of pages" / next links under a paginated list; nothing when one page holds
/// it all. `label` names the list for screen readers; `link(p)` is page `p`'s address.
pub fn pagination(
    ctx: &crate::web::PageCtx,
    label: &str,
    page: i64,
    pages: i64,
    link: impl Fn(i64) -> String,
) -> Markup {
    html! {
        @if pages > 1 {
            nav.pagination aria-label=(label) {
                @if page > 1 { a href=(link(page - 1)) rel="prev" { "← " (ctx.t("pagination.prev")) } }
                span { (page) " / " (pages) }
                @if page < pages { a href=(link(page + 1)) rel="next" { (ctx.t("pagination.next")) " →" } }
            }
        }
    }
}
