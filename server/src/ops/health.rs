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
    let events = events_check(&state).await;
    (status, Json(json!({"status": overall, "checks": {"database": check, "events": events}})))
}

/// Oldest unpublished event older than this: the relay is lagging (reported, not fatal).
const LAGGING_AFTER_MS: i64 = 60_000;

/// The relay's lag. It never fails readiness: a lagging relay (e.g. broker down) loses nothing,
/// the outbox keeps the events, and requests can still be served.
async fn events_check(state: &AppState) -> Value {
    let sink = crate::events::sink_name(&state.config);
    // Bounded like the database check: a stalled query must not hold the probe (and, behind a
    // load balancer, take the replica out).
    match tokio::time::timeout(Duration::from_secs(2), crate::events::relay::lag(&state.db)).await {
        Ok(Ok(lag)) => json!({
            "status": if lag.oldest_pending_ms > LAGGING_AFTER_MS { "lagging" } else { "ok" },
            "pending": lag.pending,
            "oldest_pending_ms": lag.oldest_pending_ms,
            "sink": sink,
        }),
        Ok(Err(_)) | Err(_) => json!({"status": "unknown", "sink": sink}),
    }
}
