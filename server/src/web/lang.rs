//! Resolves the interface language once per request and lets the user switch it.

use axum::Form;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::accounts::extract::MaybeUser;
use crate::accounts::queries;
use crate::app::AppState;
use crate::error::AppResult;
use crate::i18n::Lang;

/// Session key holding the chosen language.
pub const SESSION_LANG: &str = "lang";

/// Middleware: session choice, else `Accept-Language`, else English; stored in the extensions.
pub async fn resolve(mut req: Request, next: Next) -> Response {
    let chosen = match req.extensions().get::<Session>() {
        Some(session) => session.get::<Lang>(SESSION_LANG).await.ok().flatten(),
        None => None,
    };
    let lang = chosen
        .or_else(|| {
            req.headers()
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    req.extensions_mut().insert(lang);
    next.run(req).await
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Lang>().copied().unwrap_or_default())
    }
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
    session.insert(SESSION_LANG, lang).await.map_err(|e| anyhow::anyhow!("session: {e}"))?;
    if let Some(user) = user {
        queries::set_locale(&state.db, &user.id, lang).await?;
    }
    Ok(Redirect::to(super::local_redirect_target(form.next.as_deref(), "/")))
}
