//! Exams: settings, slots, questions with their keys, accommodations, bulk import, and the
//! teacher's pages that build them.

pub mod access;
pub mod model;
pub mod points;
pub mod queries;
pub mod question_queries;
pub mod questions;
pub mod views;

pub mod messages;

use crate::routing::Routes;

/// Routes of the exams context.
pub fn routes() -> Routes {
    Routes::new()
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    serde_json::json!({})
}
