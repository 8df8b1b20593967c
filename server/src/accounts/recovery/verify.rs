//! Address confirmation of self-registered students (`PROCTORWISE_VERIFY_EMAIL`): the link sent
//! at registration logs the student in; a new link can be asked for, with the same answer
//! whether or not the address has an account waiting.

use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::handlers::{PER_ACCOUNT_PER_HOUR, count_request, gone, send_link};
use super::queries::{self as links, Purpose};
use super::views;
use crate::accounts::handlers::{ClientIp, start_session};
use crate::accounts::model::Email;
use crate::accounts::queries;
use crate::app::AppState;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::views::layout::{respond, respond_with};
use crate::web::PageCtx;

/// `?token=` of a confirmation link.
#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `GET /register/verify?token=`: confirms the address and logs the student in.
pub async fn confirm(
    State(state): State<AppState>,
    session: Session,
    ctx: PageCtx,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let now = now_ms();
    let mut tx = state.db.pool().begin().await?;
    let Some(user_id) = links::spend(&mut tx, &links::hash(&q.token), Purpose::Verify, now).await? else {
        return Ok(gone(&ctx));
    };
    queries::mark_verified_on(&mut tx, &user_id, now).await?;
    tx.commit().await?;
    let user = queries::find(&state.db, &user_id).await?.filter(|u| u.active).ok_or(AppError::NotFound)?;
    tracing::info!(user = %user.id, "address confirmed");
    start_session(&session, &user).await?;
    Ok(Redirect::to(user.role.home_path()).into_response())
}

/// `GET /register/resend`.
pub async fn resend_page(ctx: PageCtx) -> Response {
    respond(&ctx, ctx.t("verify.title"), views::resend_form(&ctx, "", None))
}

/// The resend form.
#[derive(Deserialize)]
pub struct ResendForm {
    #[serde(default)]
    email: String,
}

/// `POST /register/resend`: a new link for an account still waiting, the same page otherwise.
pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageCtx,
    Form(form): Form<ResendForm>,
) -> AppResult<Response> {
    let Ok(email) = Email::parse(&form.email) else {
        let body = views::resend_form(&ctx, &form.email, Some(ctx.t("field.email.invalid")));
        return Ok(respond_with(&ctx, axum::http::StatusCode::UNPROCESSABLE_ENTITY, ctx.t("verify.title"), body));
    };
    count_request(&state, &ctx, &format!("verify-ip:{ip}")).await?;
    if let Some((user, _)) = queries::find_for_login(&state.db, email.as_str()).await? {
        let recent = links::sent_since(&state.db, &user.id, Purpose::Verify, now_ms() - 3_600_000).await?;
        if user.active && !user.email_verified && recent < PER_ACCOUNT_PER_HOUR {
            send_link(&state, &user, Purpose::Verify, "user").await?;
        }
    }
    Ok(respond(&ctx, ctx.t("verify.title"), views::check_inbox(&ctx, email.as_str())))
}

/// The first link, sent at registration.
pub async fn send_first(state: &AppState, user: &crate::accounts::model::User) -> sqlx::Result<()> {
    send_link(state, user, Purpose::Verify, "user").await
}

/// The page shown after registration.
pub fn check_inbox(ctx: &PageCtx, email: &str) -> maud::Markup {
    views::check_inbox(ctx, email)
}
