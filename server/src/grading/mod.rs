//! Grading: automatic scores on the server, the teacher's review of essays, results and their
//! release.

mod api;
mod handlers;
mod present;
pub mod queries;
pub mod regrade;
pub mod rules;
pub mod service;
mod views_student;
mod views_teacher;

pub mod messages;

use crate::routing::Routes;

/// Routes of the grading context.
pub fn routes() -> Routes {
    Routes::new()
        .get("/exams/{exam_id}/results", handlers::results)
        .get("/exams/{exam_id}/results/{attempt_id}", handlers::copy)
        .post("/exams/{exam_id}/results/{attempt_id}/questions/{question_id}/grade", handlers::grade)
        .post("/exams/{exam_id}/results/release", handlers::release)
        .post("/exams/{exam_id}/questions/{question_id}/regrade", regrade::regrade)
        .get("/grading", handlers::review_queue)
        .get("/results", handlers::my_results)
        .get("/attempts/{attempt_id}/result", handlers::my_result)
        .get("/api/v1/results", api::my_results)
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    api::openapi_paths()
}
