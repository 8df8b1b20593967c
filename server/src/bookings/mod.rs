//! Booking slots: the catalogue, booking under concurrency, my bookings, cancellation, and
//! every booking for admins.

mod actions;
mod admin;
pub mod api;
pub mod flash;
pub mod forms;
pub mod handlers;
pub mod messages;
mod openapi;
pub mod progress;
pub mod queries;
pub mod reminders;
pub mod seats;
pub mod service;
pub mod status;
pub mod views;
mod views_catalogue;

pub use handlers::journey;

use crate::routing::Routes;

/// Routes of the bookings context.
pub fn routes() -> Routes {
    Routes::new()
        .get("/bookings", handlers::my_bookings)
        .post("/bookings", handlers::book)
        .post("/bookings/{booking_id}/cancel", handlers::cancel)
        .get("/api/v1/bookings", api::list)
        .post("/api/v1/bookings", api::create)
        .post("/api/v1/bookings/{booking_id}/cancel", api::cancel)
        .get("/admin/bookings", admin::list)
        .post("/admin/bookings/{booking_id}/cancel", admin::cancel)
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    openapi::paths()
}
