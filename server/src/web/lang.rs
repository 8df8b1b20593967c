//! Resolves the interface language once per request (the switcher itself is the accounts'
//! `POST /lang`: it also remembers the choice on the account).

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

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
