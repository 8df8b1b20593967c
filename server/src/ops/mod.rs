//! Operations endpoints: liveness, readiness, Prometheus metrics.

pub mod components;
pub mod health;
pub mod metrics;

use std::sync::Arc;

use async_trait::async_trait;

use crate::app::AppState;
use crate::routing::Routes;

/// A component a context adds to the health checks (e.g. the frame store).
#[async_trait]
pub trait Check: Send + Sync {
    /// Component name shown on the dashboard (`storage`).
    fn name(&self) -> &'static str;

    /// Probes the component the way it is used.
    async fn check(&self, state: &AppState) -> (components::Status, String);
}

/// Prometheus lines a context adds to `/metrics` (e.g. the verification queue).
#[async_trait]
pub trait Gauges: Send + Sync {
    /// The lines, each `# HELP`/`# TYPE` included.
    async fn render(&self, state: &AppState) -> String;
}

/// What the contexts add to the operations endpoints, put in the state at the assembly point.
#[derive(Clone, Default)]
pub struct OpsHooks {
    /// Extra health checks, after the database and the events.
    pub checks: Vec<Arc<dyn Check>>,
    /// Extra gauges, after the database and the outbox.
    pub gauges: Vec<Arc<dyn Gauges>>,
}

/// Routes of the ops context (public: they reveal no data).
pub fn routes() -> Routes {
    Routes::new().get("/health", health::health).get("/ready", health::ready).get("/metrics", metrics::render)
}
