//! The one error type of every handler. `IntoResponse` records an [`ErrorReport`]; the
//! `views::errors` middleware turns it into a page, an htmx toast or JSON depending on who asked.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Result of a handler.
pub type AppResult<T> = Result<T, AppError>;

/// Everything that can go wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or is not visible to the caller).
    #[error("not found")]
    NotFound,
    /// The caller must log in first.
    #[error("authentication required")]
    Unauthorized,
    /// The caller is known but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// Input that cannot be accepted; the message is already in the user's language.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// The request conflicts with the current state; message in the user's language.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The request body is larger than allowed.
    #[error("request too large")]
    TooLarge,
    /// A body of a kind this route does not take (a frame that is not a JPEG); message in the
    /// user's language.
    #[error("unsupported media type: {0}")]
    Unsupported(String),
    /// Too many attempts; message in the user's language.
    #[error("too many requests: {message}")]
    Throttled {
        /// What to tell the user.
        message: String,
        /// Seconds until a retry can succeed.
        retry_after_secs: u64,
    },
    /// A state-changing request without a valid CSRF token.
    #[error("missing or invalid CSRF token")]
    Csrf,
    /// The database is busy or unreachable for a moment (a lost deadlock after its retries, a
    /// Galera node not ready, no connection in time): try again shortly (503 with `Retry-After`).
    #[error("database busy: {0}")]
    Busy(String),
    /// A bug or an unavailable dependency: details are logged, never shown.
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for AppError {
    /// A database or session error carried in an `anyhow` chain is answered as one (a busy
    /// database is a 503).
    fn from(err: anyhow::Error) -> Self {
        let err = match err.downcast::<sqlx::Error>() {
            Ok(db) => return AppError::from(db),
            Err(other) => other,
        };
        match err.downcast::<tower_sessions::session::Error>() {
            Ok(session) => AppError::from(session),
            Err(other) => AppError::Internal(other),
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    /// The session store could not reach the database for a moment (a 503), or failed (a 500).
    fn from(err: tower_sessions::session::Error) -> Self {
        use tower_sessions::session::Error::Store;
        use tower_sessions::session_store::Error::Backend;
        match &err {
            Store(Backend(text)) if text.starts_with(crate::db::retry::BUSY_MARK) => AppError::Busy(text.clone()),
            _ => AppError::Internal(anyhow::Error::new(err).context("session")),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        use crate::db::retry::{Failure, classify};
        match err {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other if classify(&other) != Failure::Other => AppError::Busy(other.to_string()),
            other => AppError::Internal(other.into()),
        }
    }
}

/// What the error middleware needs to render an error for the caller.
#[derive(Clone, Debug)]
pub struct ErrorReport {
    /// Stable machine-readable code (`not_found`, `forbidden`, …).
    pub code: &'static str,
    /// Message already in the user's language, or `None` for the default text of `code`.
    pub message: Option<String>,
    /// Answer with JSON whoever asked.
    pub json: bool,
}

impl AppError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unsupported(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn report(&self) -> ErrorReport {
        let (code, message) = match self {
            AppError::NotFound => ("not_found", None),
            AppError::Unauthorized => ("unauthorized", None),
            AppError::Forbidden => ("forbidden", None),
            AppError::Invalid(m) => ("invalid", Some(m.clone())),
            AppError::Conflict(m) => ("conflict", Some(m.clone())),
            AppError::TooLarge => ("too_large", None),
            AppError::Unsupported(m) => ("unsupported", Some(m.clone())),
            AppError::Throttled { message, .. } => ("throttled", Some(message.clone())),
            AppError::Csrf => ("csrf", None),
            AppError::Busy(_) => ("busy", None),
            AppError::Internal(_) => ("internal", None),
        };
        ErrorReport { code, message, json: false }
    }

    /// The same error answered as JSON whoever asked, with a more precise message than the
    /// default of its kind (the browser's monitoring uploads).
    pub fn json_because(self, message: impl Into<String>) -> JsonError {
        JsonError { error: self, message: Some(message.into()) }
    }
}

/// An error answered as JSON (`{"error": code, "message": …}`) whoever asked: for endpoints
/// only scripts call, which the page-or-toast rendering would not help.
#[derive(Debug)]
pub struct JsonError {
    error: AppError,
    message: Option<String>,
}

impl From<AppError> for JsonError {
    fn from(error: AppError) -> Self {
        Self { error, message: None }
    }
}

impl From<sqlx::Error> for JsonError {
    fn from(err: sqlx::Error) -> Self {
        AppError::from(err).into()
    }
}

impl From<anyhow::Error> for JsonError {
    /// Classified as [`AppError`] does: a busy database carried in the chain is a 503.
    fn from(err: anyhow::Error) -> Self {
        AppError::from(err).into()
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let mut response = self.error.into_response();
        if let Some(report) = response.extensions_mut().get_mut::<ErrorReport>() {
            report.json = true;
            if self.message.is_some() {
                report.message = self.message;
            }
        }
        response
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(err) = &self {
            tracing::error!(error = format!("{err:#}"), "request failed");
        }
        if let AppError::Busy(err) = &self {
            tracing::warn!(error = %err, "database busy, answered 503");
        }
        let status = self.status();
        let mut response = (status, status.canonical_reason().unwrap_or("error")).into_response();
        let retry_after = match &self {
            AppError::Throttled { retry_after_secs, .. } => Some(*retry_after_secs),
            AppError::Busy(_) => Some(1),
            _ => None,
        };
        if let Some(v) = retry_after.and_then(|s| s.to_string().parse().ok()) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        response.extensions_mut().insert(self.report());
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_store_that_cannot_reach_the_database_is_a_503() {
        use tower_sessions::session::Error::Store;
        use tower_sessions::session_store::Error::Backend;
        let busy = Store(Backend(format!(
            "{}pool timed out while waiting for an open connection",
            crate::db::retry::BUSY_MARK
        )));
        assert_eq!(AppError::from(busy).status(), StatusCode::SERVICE_UNAVAILABLE);
        let broken = Store(Backend("no such table: web_sessions".into()));
        assert_eq!(AppError::from(broken).status(), StatusCode::INTERNAL_SERVER_ERROR);
        let wrapped =
            anyhow::Error::new(Store(Backend(format!("{}x", crate::db::retry::BUSY_MARK)))).context("session");
        assert_eq!(AppError::from(wrapped).status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(AppError::from(sqlx::Error::PoolTimedOut).status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn a_busy_database_behind_a_json_endpoint_is_a_503() {
        let from_pipeline = anyhow::Error::new(sqlx::Error::PoolTimedOut).context("recording a frame");
        let response = JsonError::from(from_pipeline).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(axum::http::header::RETRY_AFTER).map(|v| v.as_bytes()), Some(&b"1"[..]));
        let bug = JsonError::from(anyhow::anyhow!("a bug")).into_response();
        assert_eq!(bug.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
