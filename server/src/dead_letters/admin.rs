//! `GET /admin/dead-letters`: the most recent unreadable event messages, parked or still retried.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

use crate::accounts::extract::{AdminOnly, Authed};
use crate::app::AppState;
use crate::error::AppResult;
use crate::events::dead_letter::{self, DeadLetter};
use crate::views::components::local_time;
use crate::views::layout::respond;
use crate::web::PageCtx;

/// Rows shown (newest failures first).
const SHOWN: i64 = 200;

/// Column headings.
const COLUMNS: [&str; 8] = [
    "dead_letters.col.consumer",
    "dead_letters.col.topic",
    "dead_letters.col.key",
    "dead_letters.col.error",
    "dead_letters.col.attempts",
    "dead_letters.col.first_seen",
    "dead_letters.col.last_seen",
    "dead_letters.col.status",
];

/// `GET /admin/dead-letters`.
pub async fn list_dead_letters(
    State(state): State<AppState>,
    _admin: Authed<AdminOnly>,
    ctx: PageCtx,
) -> AppResult<Response> {
    let rows = dead_letter::list(&state.db, SHOWN).await?;
    Ok(respond(&ctx, ctx.t("dead_letters.title"), dead_letters_table(&ctx, &rows)))
}

fn dead_letters_table(ctx: &PageCtx, rows: &[DeadLetter]) -> Markup {
    html! {
        p { (ctx.t("dead_letters.intro")) }
        @if rows.is_empty() {
            p .empty { (ctx.t("dead_letters.none")) }
        } @else {
            table #dead-letters {
                thead { tr {
                    @for key in COLUMNS { th scope="col" { (ctx.t(key)) } }
                } }
                tbody { @for row in rows { (dead_letter_row(ctx, row)) } }
            }
        }
    }
}

fn dead_letter_row(ctx: &PageCtx, row: &DeadLetter) -> Markup {
    let (status, label) = match row.parked_at {
        Some(_) => ("parked", "dead_letters.status.parked"),
        None => ("retrying", "dead_letters.status.retrying"),
    };
    html! {
        tr .{"dead-letter-" (status)} {
            td { (row.consumer) }
            td { code { (row.topic) } }
            td { code { (row.message_key) } }
            td {
                (row.error)
                details { summary { (ctx.t("dead_letters.message")) " " code { (row.message_id) } } pre { (row.payload) } }
            }
            td { (row.attempts) }
            td { (local_time(row.first_seen_at)) }
            td { (local_time(row.last_seen_at)) }
            td { span .badge { (ctx.t(label)) } }
        }
    }
}
