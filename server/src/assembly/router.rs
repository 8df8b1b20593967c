//! The whole application: every context's routes inside the plumbing's middleware stack.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::{from_fn, from_fn_with_state};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::accounts::session_store::DbSessionStore;
use crate::app::AppState;
use crate::error::AppError;
use crate::ops::metrics;
use crate::views::errors;
use crate::web::{csrf, lang, security};

async fn not_found() -> AppError {
    AppError::NotFound
}

/// The whole application.
pub fn build_router(state: AppState) -> Router {
    let config = state.config.clone();
    let (router, _) = super::routes().into_parts();
    let idle = time::Duration::seconds(i64::try_from(config.session_idle.as_secs()).unwrap_or(28_800));
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("pw_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(idle));
    let static_files = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ))
        .service(ServeDir::new(&config.static_dir));
    router
        .nest_service("/static", static_files)
        .fallback(not_found)
        .layer(from_fn(csrf::guard))
        .layer(from_fn_with_state(state.clone(), errors::render))
        .layer(from_fn(lang::resolve))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(from_fn(security::headers))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
