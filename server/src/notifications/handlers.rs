//! Notification pages: the feed, mark read, preferences.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::queries;
use super::routing::Category;
use super::views;
use crate::accounts::extract::Authed;
use crate::app::AppState;
use crate::db::is_id;
use crate::error::{AppError, AppResult};
use crate::views::layout::respond;
use crate::web::PageCtx;

/// Notices per page.
pub const PER_PAGE: i64 = 20;

/// `?page=n` (1-based).
#[derive(Deserialize, Default)]
pub struct PageQuery {
    /// Page number.
    pub page: Option<i64>,
}

/// Clamped page number and offset.
pub fn page_offset(q: &PageQuery) -> (i64, i64) {
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    (page, (page - 1) * PER_PAGE)
}

/// `GET /notifications`: the caller's notices, newest first.
pub async fn feed(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    ctx: PageCtx,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let (page, offset) = page_offset(&q);
    let (items, total) = queries::list(&state.db, &user.id, PER_PAGE, offset).await?;
    let unread = queries::unread_count(&state.db, &user.id).await?;
    let pages = (total + PER_PAGE - 1) / PER_PAGE;
    Ok(respond(&ctx, ctx.t("notify.title"), views::feed(&ctx, &items, unread, page, pages)))
}

/// `POST /notifications/{id}/read`: htmx gets the updated row, a form post goes back to the feed.
pub async fn mark_read(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    if !is_id(&id) || !queries::mark_read(&state.db, &user.id, &id).await? {
        return Err(AppError::NotFound);
    }
    state.live.bell.notify();
    if ctx.htmx {
        let n = queries::find_own(&state.db, &user.id, &id).await?.ok_or(AppError::NotFound)?;
        return Ok(views::item(&ctx, &n).into_response());
    }
    Ok(Redirect::to("/notifications").into_response())
}

/// `POST /notifications/read-all`.
pub async fn mark_all_read(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    ctx: PageCtx,
) -> AppResult<Response> {
    queries::mark_all_read(&state.db, &user.id).await?;
    state.live.bell.notify();
    if ctx.htmx {
        let (items, total) = queries::list(&state.db, &user.id, PER_PAGE, 0).await?;
        let pages = (total + PER_PAGE - 1) / PER_PAGE;
        return Ok(views::feed(&ctx, &items, 0, 1, pages).into_response());
    }
    Ok(Redirect::to("/notifications").into_response())
}

/// `?saved=1` after saving.
#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `GET /notifications/preferences`.
pub async fn preferences(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    ctx: PageCtx,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    let prefs = queries::preferences(&state.db, &user.id).await?;
    Ok(respond(&ctx, ctx.t("notify.preferences"), views::preferences(&ctx, &prefs, q.saved.is_some())))
}

/// `POST /notifications/preferences`: every checkbox absent from the form is off.
pub async fn save_preferences(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    let on = |name: String| fields.iter().any(|(k, v)| *k == name && v == "on");
    let prefs: Vec<_> = Category::ALL
        .into_iter()
        .map(|c| (c, on(format!("{}.in_app", c.as_str())), on(format!("{}.email", c.as_str()))))
        .collect();
    queries::save_preferences(&state.db, &user.id, &prefs).await?;
    state.live.bell.notify();
    Ok(Redirect::to("/notifications/preferences?saved=1"))
}
