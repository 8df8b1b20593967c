//! Grading: automatic scores on the server, the teacher's review of essays, results and their
//! release.

pub mod regrade;
pub mod rules;

pub mod messages;

use crate::routing::Routes;

/// Routes of the grading context.
pub fn routes() -> Routes {
    Routes::new()
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    serde_json::json!({})
}
