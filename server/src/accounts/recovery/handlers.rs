//! Recovery pages: ask for a link, follow it, choose a new password; an admin sends a link.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::mailbox::{Letter, Mailboxes};
use super::queries::{NewToken, Purpose};
use super::{TOKEN_TTL_MS, VERIFY_TTL_MS, queries as links, views};
use crate::accounts::extract::{AdminOnly, Authed};
use crate::accounts::forms::FieldErrors;
use crate::accounts::handlers::ClientIp;
use crate::accounts::model::{Email, User, check_password};
use crate::accounts::throttle::{self, Policy};
use crate::accounts::{password, queries};
use crate::app::AppState;
use crate::db::{is_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::views::layout::{respond, respond_with};
use crate::web::PageCtx;

/// Requests from one address: 10 in 15 minutes.
const ADDRESS: Policy = Policy { limit: 10, window_ms: 15 * 60 * 1000 };
/// Links sent to one account per hour (more requests get the same answer and no email).
pub(super) const PER_ACCOUNT_PER_HOUR: i64 = 3;

/// `GET /password/forgot`.
pub async fn forgot_page(ctx: PageCtx) -> Response {
    respond(&ctx, ctx.t("recovery.title"), views::forgot_form(&ctx, "", None))
}

/// The request form.
#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// `POST /password/forgot`: the same page whether or not the address has an account.
pub async fn forgot(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageCtx,
    Form(form): Form<ForgotForm>,
) -> AppResult<Response> {
    let Ok(email) = Email::parse(&form.email) else {
        let error = ctx.t("field.email.invalid");
        let body = views::forgot_form(&ctx, &form.email, Some(error));
        return Ok(respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("recovery.title"), body));
    };
    count_request(&state, &ctx, &format!("reset-ip:{ip}")).await?;
    if let Some((user, _)) = queries::find_for_login(&state.db, email.as_str()).await? {
        let recent = links::sent_since(&state.db, &user.id, Purpose::Reset, now_ms() - 3_600_000).await?;
        if user.active && recent < PER_ACCOUNT_PER_HOUR {
            send_link(&state, &user, Purpose::Reset, "user").await?;
            tracing::info!(user = %user.id, %ip, "password reset link sent");
        } else {
            tracing::info!(user = %user.id, %ip, active = user.active, recent, "password reset link withheld");
        }
    }
    Ok(respond(&ctx, ctx.t("recovery.title"), views::sent(&ctx, email.as_str())))
}

/// Counts a request for a link against the client's address (found or not), refusing it (429)
/// while the address has made too many.
pub(super) async fn count_request(state: &AppState, ctx: &PageCtx, subject: &str) -> AppResult<()> {
    if let Some(wait_ms) = throttle::locked_for(&state.db, subject, ADDRESS).await? {
        let minutes = (wait_ms + 59_999) / 60_000;
        return Err(AppError::Throttled {
            message: ctx.lang.tf("recovery.throttled", &[("minutes", &minutes.to_string())]),
            retry_after_secs: u64::try_from(wait_ms / 1000 + 1).unwrap_or(60),
        });
    }
    throttle::record_failure(&state.db, subject).await?;
    Ok(())
}

/// Records a new link for `user` and queues its email, in one transaction.
pub(super) async fn send_link(state: &AppState, user: &User, purpose: Purpose, by: &str) -> sqlx::Result<()> {
    let (token, hash) = links::new_token();
    let now = now_ms();
    let lang = user.locale.unwrap_or_default();
    let (path, ttl, subject, body) = match purpose {
        Purpose::Reset => ("/password/reset", TOKEN_TTL_MS, "recovery.email.subject", "recovery.email.body"),
        Purpose::Verify => ("/register/verify", VERIFY_TTL_MS, "verify.email.subject", "verify.email.body"),
    };
    let link = format!("{path}?token={token}");
    let body = lang.tf(body, &[("minutes", &(ttl / 60_000).to_string()), ("hours", &(ttl / 3_600_000).to_string())]);
    let letter =
        Letter { user_id: &user.id, to: &user.email, lang, subject: lang.t(subject), body: &body, link: &link };
    let mut tx = state.db.pool().begin().await?;
    let token = NewToken { hash: &hash, user_id: &user.id, purpose, by };
    links::insert(&mut tx, &token, now, now + ttl).await?;
    state.part::<Mailboxes>().0.post(&mut tx, &letter).await?;
    tx.commit().await
}

/// `?token=` of a link.
#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub(super) fn gone(ctx: &PageCtx) -> Response {
    respond_with(ctx, StatusCode::GONE, ctx.t("recovery.title"), views::link_invalid(ctx))
}

/// `GET /password/reset?token=`: the new-password form while the link works.
pub async fn reset_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    if links::valid(&state.db, &links::hash(&q.token), Purpose::Reset, now_ms()).await?.is_none() {
        return Ok(gone(&ctx));
    }
    Ok(respond(&ctx, ctx.t("recovery.new_title"), views::reset_form(&ctx, &q.token, &FieldErrors::new())))
}

/// The new-password form.
#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// `POST /password/reset`: spends the link and sets the password in one transaction; every
/// session and token of the account ends; the user logs in with the new password.
pub async fn reset(State(state): State<AppState>, ctx: PageCtx, Form(form): Form<ResetForm>) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    if let Err(e) = check_password(&form.password) {
        errors.insert("password", e);
    }
    if form.password != form.password_confirm {
        errors.insert("password_confirm", "field.password.mismatch");
    }
    let hash = links::hash(&form.token);
    if !errors.is_empty() {
        if links::valid(&state.db, &hash, Purpose::Reset, now_ms()).await?.is_none() {
            return Ok(gone(&ctx));
        }
        let body = views::reset_form(&ctx, &form.token, &errors);
        return Ok(respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("recovery.new_title"), body));
    }
    let password_hash = password::hash(form.password.clone()).await?;
    let now = now_ms();
    let mut tx = state.db.pool().begin().await?;
    let Some(user_id) = links::spend(&mut tx, &hash, Purpose::Reset, now).await? else { return Ok(gone(&ctx)) };
    queries::set_password_on(&mut tx, &user_id, &password_hash, now).await?;
    tx.commit().await?;
    tracing::info!(user = %user_id, "password reset; every session signed out");
    Ok(Redirect::to("/login?reset=1").into_response())
}

/// `POST /admin/users/{id}/reset-link`: an admin emails a user a reset link.
pub async fn admin_send(
    State(state): State<AppState>,
    Authed { user: admin, .. }: Authed<AdminOnly>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    if !is_id(&id) {
        return Err(AppError::NotFound);
    }
    let target = queries::find(&state.db, &id).await?.ok_or(AppError::NotFound)?;
    if !target.active {
        return Err(AppError::Conflict(ctx.t("recovery.admin.inactive").to_owned()));
    }
    send_link(&state, &target, Purpose::Reset, "admin").await?;
    tracing::info!(admin = %admin.id, user = %target.id, "password reset link sent by an admin");
    Ok(crate::accounts::admin::handlers::row_or_redirect(&ctx, &target, "recovery.admin.sent"))
}
