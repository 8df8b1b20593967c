//! Login, logout and self-registration.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::auth::{LoginRefusal, authenticate};
use super::extract::{MaybeUser, SESSION_SINCE, SESSION_USER};
use super::forms::{FieldErrors, LoginForm, RegisterForm};
use super::model::User;
use super::{password, queries, views};
use crate::app::AppState;
use crate::db::is_unique_violation;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::views::layout::{respond, respond_with};
use crate::web::client_ip::client_ip;
use crate::web::lang::SESSION_LANG;
use crate::web::{PageCtx, csrf, local_redirect_target};

/// Query of the login page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// Set after a password reset: the page says so.
    reset: Option<String>,
}

/// `GET /login`.
pub async fn login_page(ctx: PageCtx, MaybeUser(user): MaybeUser, Query(q): Query<NextQuery>) -> Response {
    if let Some(user) = &user {
        return Redirect::to(user.role.home_path()).into_response();
    }
    let form = views::login_form(&ctx, "", q.next.as_deref(), None);
    let body = maud::html! {
        @if q.reset.is_some() { (crate::views::components::notice("success", ctx.t("recovery.done"))) }
        (form)
    };
    respond(&ctx, ctx.t("login.title"), body)
}

/// The caller's address, as the throttle sees it.
pub struct ClientIp(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts, state.config.trust_proxy)))
    }
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    ctx: PageCtx,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let refusal = match authenticate(&state.db, &form.email, &form.password, &ip).await? {
        Ok(user) => {
            start_session(&session, &user).await?;
            let home = user.role.home_path();
            return Ok(Redirect::to(local_redirect_target(form.next.as_deref(), home)).into_response());
        }
        Err(refusal) => refusal,
    };
    let (status, message) = match refusal {
        LoginRefusal::BadCredentials => (StatusCode::UNAUTHORIZED, ctx.t("auth.bad_credentials").to_owned()),
        LoginRefusal::Deactivated => (StatusCode::FORBIDDEN, ctx.t("auth.deactivated").to_owned()),
        LoginRefusal::Unverified => (StatusCode::FORBIDDEN, ctx.t("auth.unverified").to_owned()),
        LoginRefusal::Locked { minutes } => {
            (StatusCode::TOO_MANY_REQUESTS, ctx.lang.tf("auth.locked", &[("minutes", &minutes.to_string())]))
        }
    };
    tracing::info!(%ip, reason = ?refusal, "login refused");
    let form = views::login_form(&ctx, &form.email, form.next.as_deref(), Some(&message));
    let body = maud::html! {
        (form)
        @if refusal == LoginRefusal::Unverified { p.center { a href="/register/resend" { (ctx.t("verify.resend_link")) } } }
    };
    Ok(respond_with(&ctx, status, ctx.t("login.title"), body))
}

/// Logs `user` in: a new session id (no fixation), a new CSRF token, their language.
pub async fn start_session(session: &Session, user: &User) -> AppResult<()> {
    let fail = AppError::from;
    session.cycle_id().await.map_err(fail)?;
    session.insert(SESSION_USER, &user.id).await.map_err(fail)?;
    session.insert(SESSION_SINCE, crate::db::now_ms()).await.map_err(fail)?;
    if let Some(lang) = user.locale {
        session.insert(SESSION_LANG, lang).await.map_err(fail)?;
    }
    csrf::rotate_token(session).await?;
    Ok(())
}

/// `POST /logout`: the session is deleted.
pub async fn logout(session: Session) -> AppResult<Redirect> {
    session.flush().await.map_err(AppError::from)?;
    Ok(Redirect::to("/login"))
}

/// `GET /register`.
pub async fn register_page(ctx: PageCtx, MaybeUser(user): MaybeUser) -> Response {
    if let Some(user) = &user {
        return Redirect::to(user.role.home_path()).into_response();
    }
    respond(&ctx, ctx.t("register.title"), views::register_form(&ctx, "", "", &FieldErrors::new()))
}

/// `POST /register`: creates a student account and logs it in.
pub async fn register(
    State(state): State<AppState>,
    session: Session,
    ctx: PageCtx,
    MaybeUser(user): MaybeUser,
    Form(form): Form<RegisterForm>,
) -> AppResult<Response> {
    if let Some(user) = &user {
        return Ok(Redirect::to(user.role.home_path()).into_response());
    }
    let rerender = |errors: &FieldErrors| {
        let body = views::register_form(&ctx, &form.name, &form.email, errors);
        respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("register.title"), body)
    };
    let new_user = match form.validate(ctx.lang) {
        Ok(u) => u,
        Err(errors) => return Ok(rerender(&errors)),
    };
    let hash = password::hash(new_user.password.clone()).await?;
    let verify = state.config.accounts().verify_email;
    let user = match queries::insert_with(&state.db, &new_user, &hash, !verify).await {
        Ok(user) => user,
        Err(e) if is_unique_violation(&e) => {
            return Ok(rerender(&FieldErrors::from([("email", "field.email.taken")])));
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(user_id = %user.id, verify, "student registered");
    if verify {
        super::recovery::verify::send_first(&state, &user).await?;
        let body = super::recovery::verify::check_inbox(&ctx, &user.email);
        return Ok(respond(&ctx, ctx.t("verify.title"), body));
    }
    start_session(&session, &user).await?;
    Ok(Redirect::to(user.role.home_path()).into_response())
}

/// The language switcher's form.
#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    next: Option<String>,
}

/// `POST /lang`: remembers the language in the session and on the account.
pub async fn switch_lang(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
    Form(form): Form<LangForm>,
) -> AppResult<Redirect> {
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    session.insert(SESSION_LANG, lang).await.map_err(AppError::from)?;
    if let Some(user) = user {
        queries::set_locale(&state.db, &user.id, lang).await?;
    }
    Ok(Redirect::to(local_redirect_target(form.next.as_deref(), "/")))
}
