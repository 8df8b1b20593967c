//! What every page needs to render: the caller, their language, the CSRF token, the path.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tower_sessions::Session;

use crate::accounts::extract::current_user;
use crate::accounts::model::User;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

/// Page context, extracted in every HTML handler.
#[derive(Clone, Debug)]
pub struct PageCtx {
    /// The logged-in user, if any.
    pub user: Option<User>,
    /// Interface language.
    pub lang: Lang,
    /// CSRF token for forms and htmx requests.
    pub csrf: String,
    /// Path and query of the request (for "next" links and the language switcher).
    pub path: String,
    /// Whether htmx asked for a fragment.
    pub htmx: bool,
    /// The element id htmx will swap, if any (`HX-Target`).
    pub hx_target: Option<String>,
    /// The user's unread notifications, for the header bell (full pages of logged-in users only).
    pub unread: Option<i64>,
}

impl PageCtx {
    /// Shortcut for `self.lang.t(key)`.
    pub fn t(&self, key: &'static str) -> &'static str {
        self.lang.t(key)
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let user = current_user(parts, state).await?;
        let session =
            parts.extensions.get::<Session>().cloned().ok_or_else(|| anyhow::anyhow!("session layer missing"))?;
        let csrf = super::csrf::ensure_token(&session).await?;
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        let htmx = super::is_htmx(&parts.headers);
        let unread = match &user {
            Some(u) if !htmx => Some(crate::notifications::queries::unread_count(&state.db, &u.id).await?),
            _ => None,
        };
        Ok(Self {
            unread,
            user,
            lang,
            csrf,
            path: parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default(),
            htmx,
            hx_target: parts.headers.get("hx-target").and_then(|v| v.to_str().ok()).map(str::to_owned),
        })
    }
}
