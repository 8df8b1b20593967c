//! `/admin/emails`: the email outbox for admins (pending emails when no SMTP server is set,
//! failures with their last error).

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::outbox::{self, QueuedEmail};
use crate::accounts::extract::{AdminOnly, Authed};
use crate::app::AppState;
use crate::error::AppResult;
use crate::views::components::local_time;
use crate::views::layout::respond;
use crate::web::PageCtx;

/// `?status=pending|failed|sent`.
#[derive(Deserialize)]
pub struct StatusFilter {
    status: Option<String>,
}

/// `GET /admin/emails`.
pub async fn emails(
    State(state): State<AppState>,
    _admin: Authed<AdminOnly>,
    ctx: PageCtx,
    Query(filter): Query<StatusFilter>,
) -> AppResult<Response> {
    let status = filter.status.as_deref().filter(|s| ["pending", "failed", "sent"].contains(s));
    let rows = outbox::list(&state.db, status, 200).await?;
    let smtp = state.config.smtp_url.is_some();
    Ok(respond(&ctx, ctx.t("notify.emails_title"), page(&ctx, status, smtp, &rows)))
}

fn status_label(ctx: &PageCtx, status: &str) -> &'static str {
    match status {
        "sent" => ctx.t("notify.status.sent"),
        "failed" => ctx.t("notify.status.failed"),
        _ => ctx.t("notify.status.pending"),
    }
}

fn page(ctx: &PageCtx, status: Option<&str>, smtp: bool, rows: &[QueuedEmail]) -> Markup {
    html! {
        @if !smtp { p .notice .notice-info { (ctx.t("notify.no_smtp")) } }
        nav .filters aria-label=(ctx.t("notify.filter")) {
            a href="/admin/emails" aria-current=[status.is_none().then_some("page")] { (ctx.t("notify.all")) } " · "
            @for s in ["pending", "failed", "sent"] {
                a href={"/admin/emails?status=" (s)} aria-current=[(status == Some(s)).then_some("page")] { (status_label(ctx, s)) } " "
            }
        }
        @if rows.is_empty() {
            p .empty { (ctx.t("notify.no_emails")) }
        } @else {
            table .emails {
                thead { tr {
                    th scope="col" { (ctx.t("notify.col.created")) } th scope="col" { (ctx.t("notify.col.to")) }
                    th scope="col" { (ctx.t("notify.col.subject")) } th scope="col" { (ctx.t("notify.col.status")) }
                    th scope="col" { (ctx.t("notify.col.attempts")) } th scope="col" { (ctx.t("notify.col.error")) }
                } }
                tbody {
                    @for e in rows {
                        tr .{"email-" (e.status)} {
                            td { (local_time(e.created_at)) } td { (e.to_address) } td { (e.subject) }
                            td { span .badge { (status_label(ctx, &e.status)) } }
                            td { (e.attempts) } td { (e.last_error) }
                        }
                    }
                }
            }
        }
    }
}
