//! Handlers of user administration.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::views;
use crate::accounts::extract::{AdminOnly, Authed};
use crate::accounts::forms::{AdminUserForm, FieldErrors};
use crate::accounts::model::{Role, User};
use crate::accounts::{password, queries};
use crate::app::AppState;
use crate::db::{is_id, is_unique_violation};
use crate::error::{AppError, AppResult};
use crate::views::layout::{respond, respond_with};
use crate::web::PageCtx;

/// Users per page.
const PAGE_SIZE: i64 = 25;

/// Search parameters of the user list.
#[derive(Debug, Default, Deserialize)]
pub struct UserSearch {
    /// Part of a name or email.
    #[serde(default)]
    pub q: String,
    /// Role filter (empty = all).
    #[serde(default)]
    pub role: String,
    /// 1-based page.
    pub page: Option<i64>,
}

/// `GET /admin/users`: the page, or only the results when htmx searches.
pub async fn list_users(
    State(state): State<AppState>,
    _admin: Authed<AdminOnly>,
    ctx: PageCtx,
    Query(search): Query<UserSearch>,
) -> AppResult<Response> {
    let page = search.page.unwrap_or(1).max(1);
    let role = Role::parse(&search.role);
    let (users, total) = queries::search(&state.db, &search.q, role, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let results = views::results(&ctx, &users, &search, page, ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1));
    if ctx.htmx && ctx.hx_target.as_deref() == Some("users-results") {
        return Ok(respond(&ctx, "", results));
    }
    Ok(respond(&ctx, ctx.t("admin.users.title"), views::users_page(&ctx, &search, results)))
}

/// `GET /admin/users/new`.
pub async fn new_user_page(_admin: Authed<AdminOnly>, ctx: PageCtx) -> Response {
    let body = views::new_user_form(&ctx, &AdminUserForm::default(), &FieldErrors::new());
    respond(&ctx, ctx.t("admin.users.new"), body)
}

/// `POST /admin/users`: creates an account with any role.
pub async fn create_user(
    State(state): State<AppState>,
    Authed { user: admin, .. }: Authed<AdminOnly>,
    ctx: PageCtx,
    Form(form): Form<AdminUserForm>,
) -> AppResult<Response> {
    let rerender = |errors: &FieldErrors| {
        let body = views::new_user_form(&ctx, &form, errors);
        respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("admin.users.new"), body)
    };
    let new_user = match form.validate() {
        Ok(u) => u,
        Err(errors) => return Ok(rerender(&errors)),
    };
    let hash = password::hash(new_user.password.clone()).await?;
    match queries::insert(&state.db, &new_user, &hash).await {
        Ok(user) => {
            tracing::info!(admin = %admin.id, user_id = %user.id, role = user.role.as_str(), "account created by admin");
            Ok(Redirect::to(&format!("/admin/users?q={}", crate::web::urlencode(&user.email))).into_response())
        }
        Err(e) if is_unique_violation(&e) => Ok(rerender(&FieldErrors::from([("email", "field.email.taken")]))),
        Err(e) => Err(e.into()),
    }
}

/// Form of a role change.
#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

/// Form of an activation change.
#[derive(Deserialize)]
pub struct ActiveForm {
    active: String,
}

/// Loads the target account, refusing changes to one's own account and to the last admin.
async fn target_for_change(
    state: &AppState,
    ctx: &PageCtx,
    admin: &User,
    id: &str,
    demotes_admin: bool,
) -> AppResult<User> {
    if !is_id(id) {
        return Err(AppError::NotFound);
    }
    let target = queries::find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if target.id == admin.id {
        return Err(AppError::Conflict(ctx.t("admin.users.not_self").to_owned()));
    }
    if demotes_admin
        && target.role == Role::Admin
        && target.active
        && queries::count_active_admins(&state.db).await? <= 1
    {
        return Err(AppError::Conflict(ctx.t("admin.users.last_admin").to_owned()));
    }
    Ok(target)
}

/// `POST /admin/users/{id}/role`.
pub async fn change_role(
    State(state): State<AppState>,
    Authed { user: admin, .. }: Authed<AdminOnly>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> AppResult<Response> {
    let role = Role::parse(&form.role).ok_or_else(|| AppError::Invalid(ctx.t("field.role.invalid").to_owned()))?;
    let mut target = target_for_change(&state, &ctx, &admin, &id, role != Role::Admin).await?;
    queries::set_role(&state.db, &target.id, role).await?;
    tracing::info!(admin = %admin.id, user_id = %target.id, from = target.role.as_str(), to = role.as_str(), "role changed");
    target.role = role;
    Ok(row_or_redirect(&ctx, &target, "admin.users.role_changed"))
}

/// `POST /admin/users/{id}/active`.
pub async fn change_active(
    State(state): State<AppState>,
    Authed { user: admin, .. }: Authed<AdminOnly>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<ActiveForm>,
) -> AppResult<Response> {
    let active = match form.active.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::Invalid(ctx.t("error.invalid").to_owned())),
    };
    let mut target = target_for_change(&state, &ctx, &admin, &id, !active).await?;
    queries::set_active(&state.db, &target.id, active).await?;
    tracing::info!(admin = %admin.id, user_id = %target.id, active, "account activation changed");
    target.active = active;
    let key = if active { "admin.users.reactivated" } else { "admin.users.deactivated" };
    Ok(row_or_redirect(&ctx, &target, key))
}

/// The changed row with a toast for htmx, the list filtered to the user otherwise.
pub fn row_or_redirect(ctx: &PageCtx, user: &User, message_key: &'static str) -> Response {
    if ctx.htmx {
        respond(ctx, "", views::user_row_with_toast(ctx, user, ctx.t(message_key)))
    } else {
        Redirect::to(&format!("/admin/users?q={}", crate::web::urlencode(&user.email))).into_response()
    }
}
