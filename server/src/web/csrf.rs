//! CSRF protection for every state-changing request made with the session cookie: the token
//! lives in the session and must come back in the `X-CSRF-Token` header (htmx sends it from the
//! page's `hx-headers`), in the `csrf_token` form field, or (multipart uploads) in the
//! `csrf_token` query parameter. The JSON API under `/api/` accepts
//! only bearer tokens, never the cookie, so it needs no CSRF token.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use crate::error::{AppError, AppResult};

/// Session key of the token.
pub const SESSION_CSRF: &str = "csrf";
/// Form field carrying the token.
pub const FIELD: &str = "csrf_token";
/// Header carrying the token.
pub const HEADER: &str = "x-csrf-token";
/// Largest urlencoded body searched for the token; larger forms must use the header.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The session's token, created on first use.
pub async fn ensure_token(session: &Session) -> AppResult<String> {
    let existing: Option<String> = session.get(SESSION_CSRF).await.map_err(AppError::from)?;
    if let Some(token) = existing {
        return Ok(token);
    }
    rotate_token(session).await
}

/// Replaces the session's token (at login).
pub async fn rotate_token(session: &Session) -> AppResult<String> {
    let token = hex::encode(rand::random::<[u8; 32]>());
    session.insert(SESSION_CSRF, &token).await.map_err(AppError::from)?;
    Ok(token)
}

/// Middleware refusing unsafe requests without the session's token (403).
pub async fn guard(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    // A session the store could not read for a moment is a 503 (try again), not a refusal.
    let expected = match req.extensions().get::<Session>() {
        Some(session) => match session.get::<String>(SESSION_CSRF).await {
            Ok(token) => token,
            Err(err) => return AppError::from(err).into_response(),
        },
        None => None,
    };
    let (provided, req) = match provided_token(req).await {
        Ok(found) => found,
        Err(err) => return err.into_response(),
    };
    match (expected, provided) {
        (Some(e), Some(p)) if bool::from(e.as_bytes().ct_eq(p.as_bytes())) => next.run(req).await,
        _ => AppError::Csrf.into_response(),
    }
}

/// The token from the header, else from the urlencoded body (which is put back for the handler).
async fn provided_token(req: Request) -> Result<(Option<String>, Request), AppError> {
    if let Some(v) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        let token = v.to_owned();
        return Ok((Some(token), req));
    }
    // A multipart upload (no JavaScript) carries the token in the query string: reading the
    // multipart body here would mean buffering whole files before the handler's size checks.
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if is_multipart {
        let token = req.uri().query().and_then(|q| form_urlencoded_field(q.as_bytes(), FIELD));
        return Ok((token, req));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((None, req));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| AppError::TooLarge)?;
    let token = form_urlencoded_field(&bytes, FIELD);
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::form_urlencoded_field;

    #[test]
    fn finds_the_field_among_others() {
        assert_eq!(form_urlencoded_field(b"a=1&csrf_token=ab%2Bc&b=2", "csrf_token"), Some("ab+c".into()));
        assert_eq!(form_urlencoded_field(b"a=1", "csrf_token"), None);
    }
}
