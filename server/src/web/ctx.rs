//! What every page needs to render: the caller as the page frame shows them, their language,
//! the CSRF token, the path.

use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use maud::Markup;
use tower_sessions::Session;

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

/// The signed-in person, as the page frame shows them: name, role, menu and bell.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// Account id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role code (`student`, `teacher`, `proctor`, `admin`).
    pub role: &'static str,
    /// The role's name in the page's language.
    pub role_label: &'static str,
    /// The role's menu: (link, text key).
    pub nav: &'static [(&'static str, &'static str)],
    /// The notification bell, on full pages only.
    pub bell: Option<Markup>,
}

/// Finds the viewer of a request: put in the state at the assembly point, where the accounts
/// (who is signed in) and the notifications (the bell) are known.
#[async_trait]
pub trait ViewerSource: Send + Sync {
    /// The signed-in viewer, if any; `full_page` is false for htmx fragments (no bell needed).
    async fn viewer(
        &self,
        parts: &mut Parts,
        state: &AppState,
        lang: Lang,
        full_page: bool,
    ) -> AppResult<Option<Viewer>>;
}

/// The state's part holding the [`ViewerSource`].
#[derive(Clone)]
pub struct Viewers(pub Arc<dyn ViewerSource>);

/// Page context, extracted in every HTML handler.
#[derive(Clone, Debug)]
pub struct PageCtx {
    /// The signed-in viewer, if any.
    pub viewer: Option<Viewer>,
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
}

impl PageCtx {
    /// Shortcut for `self.lang.t(key)`.
    pub fn t(&self, key: &'static str) -> &'static str {
        self.lang.t(key)
    }

    /// Whether the viewer is signed in with this role code.
    pub fn viewer_is(&self, role: &str) -> bool {
        self.viewer.as_ref().is_some_and(|v| v.role == role)
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let session =
            parts.extensions.get::<Session>().cloned().ok_or_else(|| anyhow::anyhow!("session layer missing"))?;
        let csrf = super::csrf::ensure_token(&session).await?;
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        let htmx = super::is_htmx(&parts.headers);
        let viewer = match state.get::<Viewers>() {
            Some(Viewers(source)) => source.viewer(parts, state, lang, !htmx).await?,
            None => None,
        };
        Ok(Self {
            viewer,
            lang,
            csrf,
            path: parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default(),
            htmx,
            hx_target: parts.headers.get("hx-target").and_then(|v| v.to_str().ok()).map(str::to_owned),
        })
    }
}
