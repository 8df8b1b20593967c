//! Taking an exam: consent and webcam check, one question per page, answers saved as they are
//! given, a server-side deadline, submission (by the student or by the server).

pub mod rules;

pub mod messages;

use crate::routing::Routes;

/// Routes of the attempts context.
pub fn routes() -> Routes {
    Routes::new()
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    serde_json::json!({})
}
