//! `/health` answers while the process runs; `/ready` only while the database answers too.

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::AppState;

/// `GET /health`: liveness.
pub async fn health(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_seconds": state.started.elapsed().as_secs(),
    }))
}

/// `GET /ready`: 200 when the database answers within two seconds, else 503.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let started = Instant::now();
    let db = state.db.ping(Duration::from_secs(2)).await;
    let latency_ms = started.elapsed().as_millis();
    let (status, check) = match db {
        Ok(()) => (
            StatusCode::OK,
            json!({"status": "ok", "backend": format!("{:?}", state.db.backend()), "latency_ms": latency_ms}),
        ),
        Err(e) => {
            tracing::warn!(error = format!("{e:#}"), "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, json!({"status": "down", "error": "database unreachable"}))
        }
    };
    let overall = if status == StatusCode::OK { "ready" } else { "not_ready" };
    (status, Json(json!({"status": overall, "checks": {"database": check}})))
}
