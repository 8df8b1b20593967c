//! Application state and the router with its middleware stack.

use std::sync::Arc;
use std::time::Instant;

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
use crate::accounts::tokens::TokenKeys;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;
use crate::ops::metrics::{self, Metrics};
use crate::routing::{RouteInfo, Routes};
use crate::wakeup::Wakeups;
use crate::web::{csrf, errors, lang, security};

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// Database pool (SQLite or MariaDB).
    pub db: Db,
    /// Configuration read at start-up.
    pub config: Arc<Config>,
    /// Keys signing and checking API bearer tokens.
    pub tokens: Arc<TokenKeys>,
    /// Request counters and latencies for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// When the process started (uptime in `/health`).
    pub started: Instant,
    /// Where frame JPEGs are stored (local filesystem, or HDFS when `HDFS_URL` is set).
    pub frames: Arc<dyn crate::monitoring::storage::FrameStore>,
    /// Full-model frame analysis for server re-verification; `None` = models not configured
    /// (flagged frames stay pending verification, never dropped).
    pub analyzer: Option<Arc<dyn crate::monitoring::FrameAnalyzer>>,
    /// The bounded re-verification queue of this replica.
    pub verifier: Arc<crate::monitoring::VerifyQueue>,
    /// Wakes this application's open live streams when it commits a change (each state its own).
    pub live: Wakeups,
}

impl AppState {
    /// Connects to the database, applies migrations and prepares the state.
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        // Refuse to start with a frame store that cannot be built (HDFS without the feature).
        crate::monitoring::storage::from_config(
            config.hdfs_url.as_deref(),
            &config.monitoring.frame_dir,
            config.monitoring.hdfs_timeout,
        )?;
        let db = Db::connect(&config.database_url).await?;
        db.migrate().await?;
        Ok(Self::with_db(config, db))
    }

    /// State on an already migrated database.
    pub fn with_db(config: Config, db: Db) -> Self {
        let tokens = TokenKeys::new(&config.secret, config.token_ttl);
        let m = &config.monitoring;
        let frames = crate::monitoring::storage::from_config(config.hdfs_url.as_deref(), &m.frame_dir, m.hdfs_timeout)
            .unwrap_or_else(|e| {
                tracing::error!(error = format!("{e:#}"), "frame store unavailable; frames go to the local directory");
                Arc::new(crate::monitoring::storage::LocalStore::new(&m.frame_dir))
            });
        let verifier = Arc::new(crate::monitoring::VerifyQueue::new(m.queue_size, &m.replica_id, m.sample_cpu_percent));
        Self {
            db,
            config: Arc::new(config),
            tokens: Arc::new(tokens),
            metrics: Arc::default(),
            started: Instant::now(),
            frames,
            analyzer: None,
            verifier,
            live: Wakeups::default(),
        }
    }
}

/// Every context's routes.
fn routes() -> Routes {
    crate::home::routes()
        .merge(crate::accounts::routes())
        .merge(crate::ops::routes())
        .merge(crate::api::routes())
        .merge(crate::exams::routes())
        .merge(crate::bookings::routes())
        .merge(crate::attempts::routes())
        .merge(crate::grading::routes())
        .merge(crate::notifications::routes())
        .merge(crate::dead_letters::routes())
        .merge(crate::analytics::routes())
        .merge(crate::monitoring::routes())
        .merge(crate::detection::routes())
        .merge(crate::reports::routes())
        .post("/lang", lang::switch_lang)
        .note("GET", "/static/{*path}")
}

/// The table of every route the router serves (for the access-matrix test).
pub fn route_table() -> Vec<RouteInfo> {
    routes().into_parts().1
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// The whole application.
pub fn build_router(state: AppState) -> Router {
    let config = state.config.clone();
    let (router, _) = routes().into_parts();
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
