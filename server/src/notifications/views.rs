//! Markup of the notifications pages and the header bell.

use maud::{Markup, html};

use super::queries::Notification;
use super::routing::Category;
use crate::i18n::Lang;
use crate::views::components::local_time;
use crate::web::PageCtx;

/// The bell link with the unread badge (also what the live stream pushes).
pub fn bell(lang: Lang, unread: i64) -> Markup {
    let label = lang.tf("notify.bell_label", &[("n", &unread.to_string())]);
    html! {
        a #bell .bell href="/notifications" aria-label=(label) title=(label) {
            span aria-hidden="true" { "🔔" }
            @if unread > 0 { span .badge .unread-count { (unread) } }
        }
    }
}

/// The bell's box in the header: connects to the live stream (htmx sse extension).
pub fn bell_box(lang: Lang, unread: i64) -> Markup {
    html! {
        span #bell-box hx-ext="sse" sse-connect="/notifications/stream" sse-swap="bell" { (bell(lang, unread)) }
    }
}

/// One row of the feed.
pub fn item(ctx: &PageCtx, n: &Notification) -> Markup {
    let unread = n.read_at.is_none();
    html! {
        li #{"notification-" (n.id)} .notification .unread[unread] {
            div {
                @if unread { span .badge .new { (ctx.t("notify.new")) } " " }
                strong { (n.title) }
                " · " (local_time(n.created_at))
            }
            p { (n.body) }
            div .actions {
                @if let Some(link) = &n.link { a href=(link) { (ctx.t("notify.open")) } }
                @if unread {
                    form method="post" action={"/notifications/" (n.id) "/read"}
                        hx-post={"/notifications/" (n.id) "/read"} hx-target={"#notification-" (n.id)} hx-swap="outerHTML" {
                        input type="hidden" name="csrf_token" value=(ctx.csrf);
                        button .small type="submit" { (ctx.t("notify.mark_read")) }
                    }
                }
            }
        }
    }
}

/// The feed page content.
pub fn feed(ctx: &PageCtx, items: &[Notification], unread: i64, page: i64, pages: i64) -> Markup {
    html! {
        div #notifications {
            p {
                (ctx.lang.tf("notify.unread_summary", &[("n", &unread.to_string())]))
                " · " a href="/notifications/preferences" { (ctx.t("notify.preferences")) }
            }
            @if unread > 0 {
                form method="post" action="/notifications/read-all" hx-post="/notifications/read-all" hx-target="#notifications" hx-swap="outerHTML" {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    button type="submit" { (ctx.t("notify.mark_all_read")) }
                }
            }
            @if items.is_empty() {
                p .empty { (ctx.t("notify.empty")) }
            } @else {
                ul .notifications { @for n in items { (item(ctx, n)) } }
            }
            @if pages > 1 {
                nav .pager aria-label=(ctx.t("notify.pages")) {
                    @if page > 1 { a href={"/notifications?page=" (page - 1)} { (ctx.t("notify.newer")) } " " }
                    (ctx.lang.tf("notify.page_of", &[("n", &page.to_string()), ("total", &pages.to_string())]))
                    @if page < pages { " " a href={"/notifications?page=" (page + 1)} { (ctx.t("notify.older")) } }
                }
            }
        }
    }
}

/// The preferences form: one row per category, one checkbox per channel.
pub fn preferences(ctx: &PageCtx, prefs: &[(Category, bool, bool)], saved: bool) -> Markup {
    html! {
        @if saved { p .notice .notice-success role="status" { (ctx.t("notify.prefs_saved")) } }
        form method="post" action="/notifications/preferences" {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            table .prefs {
                thead { tr { th scope="col" { (ctx.t("notify.category")) } th scope="col" { (ctx.t("notify.in_app")) } th scope="col" { (ctx.t("notify.email")) } } }
                tbody {
                    @for (category, in_app, email) in prefs {
                        @let name = ctx.t(category.label_key());
                        tr {
                            th scope="row" { (name) }
                            td { input type="checkbox" name={(category.as_str()) ".in_app"} value="on" checked[*in_app]
                                aria-label={(name) " · " (ctx.t("notify.in_app"))}; }
                            td { input type="checkbox" name={(category.as_str()) ".email"} value="on" checked[*email]
                                aria-label={(name) " · " (ctx.t("notify.email"))}; }
                        }
                    }
                }
            }
            button type="submit" { (ctx.t("notify.save")) }
        }
    }
}
