//! Taking an exam: consent and webcam check, one exam page whose question panels htmx swaps in,
//! answers saved as they are given, a server-side deadline, submission (by the student or by the server).

mod api;
pub mod facts;
pub mod forms;
pub mod grades;
mod handlers_start;
mod handlers_stop;
mod handlers_take;
pub mod model;
pub mod queries;
pub mod rules;
pub mod service;
pub mod shuffle;
pub mod submit;
pub mod takers;
mod views_panels;
mod views_start;
pub mod views_take;
pub mod worker;

pub mod messages;

use crate::routing::Routes;

/// Routes of the attempts context.
pub fn routes() -> Routes {
    Routes::new()
        .get("/bookings/{booking_id}/start", handlers_start::start_page)
        .post("/bookings/{booking_id}/start", handlers_start::start)
        .post("/bookings/{booking_id}/webcam-refused", handlers_start::webcam_refused)
        .get("/attempts/{attempt_id}", handlers_take::resume)
        .get("/attempts/{attempt_id}/q/{n}", handlers_take::question_page)
        .post("/attempts/{attempt_id}/q/{n}", handlers_take::save_answer)
        .get("/attempts/{attempt_id}/review", handlers_take::review)
        .post("/attempts/{attempt_id}/submit", handlers_take::submit)
        .post("/proctor/sessions/{session_id}/stop", handlers_stop::stop)
        .post("/api/v1/bookings/{booking_id}/start", api::start)
        .get("/api/v1/attempts/{attempt_id}", api::get_attempt)
        .post("/api/v1/attempts/{attempt_id}/answers", api::save_answer)
        .post("/api/v1/attempts/{attempt_id}/submit", api::submit)
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    api::openapi_paths()
}
