//! Analytics pages: the admin dashboard (and its live part), the reports page with its searches,
//! an exam's analytics, a student's analytics, the platform page.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde::Deserialize;

use super::access;
use super::dashboard::alerts;
use super::dashboard::views as views_dashboard;
use super::platform;
use super::reports;
use super::reports::index;
use super::reports::views;
use crate::accounts::extract::{AdminOnly, AnyRole, Authed, StudentOnly, TeacherOrAdmin};
use crate::accounts::model::Role;
use crate::app::AppState;
use crate::db::now_ms;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::views::respond;
use crate::web::PageCtx;

async fn live_block(state: &AppState, lang: Lang) -> AppResult<Markup> {
    let now = now_ms();
    let (dashboard, health) =
        tokio::join!(platform::dashboard(&state.db, now), crate::ops::components::check_all(state));
    let dashboard = dashboard?;
    let alerts = alerts::alerts(&dashboard, &health);
    Ok(views_dashboard::live(lang, &dashboard, &health, &alerts, now, state.config.dashboard_refresh_secs))
}

/// `GET /admin`: the dashboard.
pub async fn dashboard(State(state): State<AppState>, _a: Authed<AdminOnly>, ctx: PageCtx) -> AppResult<Response> {
    let body = live_block(&state, ctx.lang).await?;
    let body = maud::html! {
        p { a.button.primary href="/admin/users" { (ctx.t("admin.manage_users")) } " " a.button href="/analytics" { (ctx.t("analytics.open_reports")) } }
        (body)
    };
    Ok(respond(&ctx, ctx.t("admin.title"), body))
}

/// `GET /admin/parts/dashboard`: the live block alone (htmx refresh).
pub async fn dashboard_part(State(state): State<AppState>, _a: Authed<AdminOnly>, ctx: PageCtx) -> AppResult<Response> {
    let mut response = live_block(&state, ctx.lang).await?.into_response();
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("HX-Request"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A date range in the query string (`YYYY-MM-DD`, both days included).
#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    /// First day.
    #[serde(default)]
    pub from: String,
    /// Last day.
    #[serde(default)]
    pub to: String,
    /// Only this exam (submissions export).
    #[serde(default)]
    pub exam_id: String,
}

/// `GET /analytics`: search exams and users, date-range reports and exports.
pub async fn index(Authed { user, .. }: Authed<TeacherOrAdmin>, ctx: PageCtx) -> Response {
    let (from, to) = access::default_range(now_ms());
    let can = index::Abilities { admin: user.role == Role::Admin, exams: true };
    let body = index::index(ctx.lang, &can, &super::fmt::date(from), &super::fmt::date(to - 1));
    respond(&ctx, ctx.t("analytics.reports"), body)
}

/// A search box's query.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    /// Text typed.
    #[serde(default)]
    pub q: String,
}

/// `GET /analytics/search/exams?q=`: any exam for an admin, their own for a teacher.
pub async fn search_exams(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    let scope = (user.role != Role::Admin).then_some(user.id.as_str());
    let hits = super::platform::queries::search_exams(&state.db, &q.q, scope, 20).await?;
    Ok(respond(&ctx, ctx.t("analytics.find_exam"), index::exam_hits(ctx.lang, &hits)))
}

/// `GET /analytics/search/users?q=`: any account (admin).
pub async fn search_users(
    State(state): State<AppState>,
    _a: Authed<AdminOnly>,
    ctx: PageCtx,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    let (users, _) = crate::accounts::queries::search(&state.db, &q.q, None, 20, 0).await?;
    Ok(respond(&ctx, ctx.t("analytics.find_user"), index::user_hits(ctx.lang, &users)))
}

/// `GET /analytics/exams/{exam_id}`.
pub async fn exam(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
) -> AppResult<Response> {
    let exam = crate::exams::access::managed_exam(&state, &user, &exam_id).await?;
    let r = reports::exam_report(&state.db, &exam).await?;
    let title = ctx.lang.tf("analytics.exam_title", &[("exam", &exam.title)]);
    Ok(respond(&ctx, &title, views::exam_page(ctx.lang, &r)))
}

/// `GET /analytics/users/{user_id}`: admins any student, a student themself.
pub async fn user(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<AnyRole>,
    ctx: PageCtx,
    Path(user_id): Path<String>,
) -> AppResult<Response> {
    let (subject, released_only) = access::visible_user(&state.db, &user, &user_id).await?;
    let r = reports::user_report(&state.db, &subject, released_only).await?;
    let title = ctx.lang.tf("analytics.user_title", &[("name", &subject.name)]);
    Ok(respond(&ctx, &title, views::user_page(ctx.lang, &r)))
}

/// `GET /analytics/me`: the student's own analytics.
pub async fn me(Authed { user, .. }: Authed<StudentOnly>) -> Redirect {
    Redirect::to(&format!("/analytics/users/{}", user.id))
}

/// `GET /analytics/platform?from=&to=`: the platform page for a date range (admin).
pub async fn platform_page(
    State(state): State<AppState>,
    _a: Authed<AdminOnly>,
    ctx: PageCtx,
    Query(range): Query<RangeQuery>,
) -> AppResult<Response> {
    let (from, to) = access::parse_range(ctx.lang, &range, now_ms())?;
    let p = platform::platform_report(&state.db, from, to, now_ms()).await?;
    let title = ctx.t("analytics.platform");
    Ok(respond(&ctx, title, super::platform::views::page(ctx.lang, &p)))
}
