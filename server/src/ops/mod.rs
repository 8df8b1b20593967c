//! Operations endpoints: liveness, readiness, Prometheus metrics.

pub mod components;
pub mod health;
pub mod heartbeat;
pub mod metrics;

use crate::routing::Routes;

/// Routes of the ops context (public: they reveal no data).
pub fn routes() -> Routes {
    Routes::new().get("/health", health::health).get("/ready", health::ready).get("/metrics", metrics::render)
}
