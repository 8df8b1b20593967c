//! Exams: settings, slots, questions with their keys, accommodations, bulk import, and the
//! teacher's pages that build them.

pub mod access;
pub mod accommodations;
pub mod api;
pub mod detection;
pub mod forms;
pub mod handlers;
mod handlers_status;
pub mod holders;
pub mod import;
pub mod model;
mod openapi;
pub mod points;
pub mod queries;
pub mod questions;
mod slots;
pub mod views;
mod views_exam;
mod views_form;

pub mod messages;

use crate::routing::Routes;

/// Routes of the exams context.
pub fn routes() -> Routes {
    use accommodations::handlers as acc;
    use questions::handlers as q;
    Routes::new()
        .get("/exams/new", handlers::new_exam_page)
        .post("/exams", handlers::create_exam)
        .get("/exams/import-example.csv", import::handlers::example_csv)
        .get("/exams/{exam_id}", handlers::exam_page)
        .post("/exams/{exam_id}", handlers::update_exam)
        .get("/exams/{exam_id}/edit", handlers::edit_exam_page)
        .post("/exams/{exam_id}/publish", handlers_status::publish_exam)
        .post("/exams/{exam_id}/unpublish", handlers_status::unpublish_exam)
        .post("/exams/{exam_id}/delete", handlers_status::delete_exam)
        .post("/exams/{exam_id}/slots", slots::handlers::add_slot)
        .post("/exams/{exam_id}/slots/{slot_id}/remove", slots::handlers::remove_slot)
        .get("/exams/{exam_id}/questions/new", q::new_question_page)
        .post("/exams/{exam_id}/questions", q::create_question)
        .get("/exams/{exam_id}/questions/{question_id}/edit", q::edit_question_page)
        .post("/exams/{exam_id}/questions/{question_id}", q::update_question)
        .post("/exams/{exam_id}/questions/{question_id}/move", q::move_question)
        .post("/exams/{exam_id}/questions/{question_id}/delete", q::delete_question)
        .get("/exams/{exam_id}/preview", q::preview_exam)
        .get("/exams/{exam_id}/import", import::handlers::import_page)
        .post("/exams/{exam_id}/import", import::handlers::upload_import)
        .post("/exams/{exam_id}/import/confirm", import::handlers::confirm_import)
        .post("/exams/{exam_id}/accommodations", acc::grant_accommodation)
        .post("/exams/{exam_id}/accommodations/{student_id}/remove", acc::remove_accommodation)
        .get("/exams/{exam_id}/accommodations/students", acc::search_students)
        .get("/api/v1/exams", api::list_exams)
        .post("/api/v1/exams", api::create_exam)
        .get("/api/v1/exams/{exam_id}", api::get_exam)
        .post("/api/v1/exams/{exam_id}/questions", api::add_question)
        .post("/api/v1/exams/{exam_id}/detection", detection::api::set_detection)
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    openapi::paths()
}
