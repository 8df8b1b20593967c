//! The profile's pages: read, rename, change the password.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::forms::{NameForm, PasswordForm};
use super::views;
use crate::accounts::extract::Authed;
use crate::accounts::forms::FieldErrors;
use crate::accounts::handlers::start_session;
use crate::accounts::{password, queries};
use crate::app::AppState;
use crate::db::now_ms;
use crate::error::AppResult;
use crate::views::layout::{respond, respond_with};
use crate::web::PageCtx;

/// `?done=` after a change.
#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// `GET /profile`.
pub async fn page(Authed { user, .. }: Authed, ctx: PageCtx, Query(q): Query<Done>) -> Response {
    let done = q.done.as_deref().filter(|d| matches!(*d, "name" | "password"));
    let state = views::State { done, ..Default::default() };
    respond(&ctx, ctx.t("profile.title"), views::page(&ctx, &user, &state))
}

/// `POST /profile`: the user renames themselves.
pub async fn rename(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    ctx: PageCtx,
    Form(form): Form<NameForm>,
) -> AppResult<Response> {
    let name = match form.validate() {
        Ok(name) => name,
        Err(name_errors) => {
            let page = views::State { name: Some(&form.name), name_errors, ..Default::default() };
            let body = views::page(&ctx, &user, &page);
            return Ok(respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("profile.title"), body));
        }
    };
    queries::set_name(&state.db, &user.id, &name).await?;
    tracing::info!(user = %user.id, "name changed");
    Ok(Redirect::to("/profile?done=name").into_response())
}

/// `POST /profile/password`: checks the current password, stores the new one and starts this
/// session again; every other session and token of the user stops being accepted.
pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    Authed { user, .. }: Authed,
    ctx: PageCtx,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let refuse = |password_errors: FieldErrors| {
        let page = views::State { password_errors, ..Default::default() };
        let body = views::page(&ctx, &user, &page);
        respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("profile.title"), body)
    };
    if let Err(errors) = form.validate() {
        return Ok(refuse(errors));
    }
    let stored = queries::password_hash(&state.db, &user.id).await?;
    if !password::verify(form.current_password.clone(), stored).await? {
        tracing::info!(user = %user.id, "password change refused: wrong current password");
        return Ok(refuse(FieldErrors::from([("current_password", "profile.error.current_wrong")])));
    }
    let hash = password::hash(form.password.clone()).await?;
    let now = now_ms();
    queries::set_password(&state.db, &user.id, &hash, now).await?;
    // This browser stays signed in: a new session id, dated after the change.
    start_session(&session, &user).await?;
    tracing::info!(user = %user.id, "password changed; other sessions signed out");
    Ok(Redirect::to("/profile?done=password").into_response())
}
