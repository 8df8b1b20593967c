//! Turns error responses into what the caller can use: JSON for the API, a toast for htmx, a
//! full page (or a redirect to the login page) for a browser. 500s never show details.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::layout;
use crate::app::AppState;
use crate::error::ErrorReport;
use crate::i18n::Lang;
use crate::web::{PageCtx, is_htmx, urlencode};

/// Middleware rendering errors according to the caller.
pub async fn render(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
    // The JSON API, and scripts that ask for JSON (the monitoring uploads), get JSON errors.
    let api = req.uri().path().starts_with("/api/") || wants_json(req.headers());
    let htmx = is_htmx(req.headers());
    let target = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let (parts, body) = req.into_parts();
    let ctx_parts = clone_parts(&parts);
    let response = next.run(Request::from_parts(parts, body)).await;

    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // A handler that rendered its own answer (a form re-rendered with 422, a refused login, a 503
    // readiness report) knows best; only bare errors and framework rejections (plain text) are dressed.
    let rendered_by_handler = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| !ct.starts_with("text/plain"));
    if rendered_by_handler && response.extensions().get::<ErrorReport>().is_none() {
        return response;
    }
    let report = response.extensions().get::<ErrorReport>().cloned().unwrap_or_else(|| ErrorReport {
        code: code_for(status),
        message: None,
        json: false,
    });
    let api = api || report.json;
    let message = report.message.clone().unwrap_or_else(|| default_message(lang, report.code).to_owned());
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();

    let mut rendered = if api {
        let mut r = (status, Json(serde_json::json!({"error": report.code, "message": message}))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    } else if status == StatusCode::UNAUTHORIZED {
        let login = format!("/login?next={}", urlencode(&target));
        if htmx {
            let mut r = StatusCode::UNAUTHORIZED.into_response();
            if let Ok(v) = HeaderValue::from_str(&login) {
                r.headers_mut().insert("hx-redirect", v);
            }
            r
        } else {
            Redirect::to(&login).into_response()
        }
    } else if htmx {
        let mut r = (status, layout::toast_fragment("error", &message)).into_response();
        r.headers_mut().insert("hx-retarget", HeaderValue::from_static("#toasts"));
        r.headers_mut().insert("hx-reswap", HeaderValue::from_static("beforeend"));
        r
    } else {
        let ctx = error_ctx(&state, ctx_parts, lang).await;
        (status, layout::error_page(&ctx, status, &message)).into_response()
    };
    if let Some(v) = retry_after {
        rendered.headers_mut().insert(header::RETRY_AFTER, v);
    }
    rendered
}

/// Whether the caller prefers JSON to HTML (`Accept: application/json`, without `text/html`).
fn wants_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"))
}

fn clone_parts(parts: &axum::http::request::Parts) -> axum::http::request::Parts {
    let mut builder = axum::http::Request::builder().method(parts.method.clone()).uri(parts.uri.clone());
    if let Some(h) = builder.headers_mut() {
        *h = parts.headers.clone();
    }
    let (mut cloned, ()) = builder.body(()).unwrap_or_default().into_parts();
    if let Some(session) = parts.extensions.get::<tower_sessions::Session>() {
        cloned.extensions.insert(session.clone());
    }
    cloned.extensions.insert(parts.extensions.get::<Lang>().copied().unwrap_or_default());
    cloned
}

async fn error_ctx(state: &AppState, mut parts: axum::http::request::Parts, lang: Lang) -> PageCtx {
    use axum::extract::FromRequestParts;
    match PageCtx::from_request_parts(&mut parts, state).await {
        Ok(ctx) => ctx,
        Err(_) => PageCtx { viewer: None, lang, csrf: String::new(), path: "/".into(), htmx: false, hx_target: None },
    }
}

fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::SERVICE_UNAVAILABLE => "busy",
        StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "invalid",
        s if s.is_server_error() => "internal",
        _ => "error",
    }
}

fn default_message(lang: Lang, code: &str) -> &'static str {
    match code {
        "not_found" => lang.t("error.not_found"),
        "unauthorized" => lang.t("error.unauthorized"),
        "forbidden" => lang.t("error.forbidden"),
        "csrf" => lang.t("error.csrf"),
        "too_large" => lang.t("error.too_large"),
        "invalid" => lang.t("error.invalid"),
        "method_not_allowed" => lang.t("error.method_not_allowed"),
        "internal" => lang.t("error.internal"),
        "busy" => lang.t("error.busy"),
        _ => lang.t("error.generic"),
    }
}
