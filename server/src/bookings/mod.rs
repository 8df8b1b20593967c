//! Booking slots: the catalogue, booking under concurrency, my bookings, cancellation.

pub mod messages;
pub mod service;

use crate::routing::Routes;

/// Routes of the bookings context.
pub fn routes() -> Routes {
    Routes::new()
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    serde_json::json!({})
}
