//! Notifications: events become in-app notices (with a live bell) and emails in the recipient's
//! language, following each user's preferences; a background sender delivers emails over SMTP.

mod admin;
mod api;
pub mod email;
pub mod handler;
mod handlers;
pub mod live;
pub mod mailbox;
pub mod messages;
pub mod outbox;
pub mod queries;
pub mod routing;
pub mod texts;
pub mod views;

pub use handler::NotificationHandler;

use crate::routing::Routes;

/// Routes of the notifications context.
pub fn routes() -> Routes {
    Routes::new()
        .get("/notifications", handlers::feed)
        .post("/notifications/{id}/read", handlers::mark_read)
        .post("/notifications/read-all", handlers::mark_all_read)
        .get("/notifications/preferences", handlers::preferences)
        .post("/notifications/preferences", handlers::save_preferences)
        .get("/notifications/stream", live::stream)
        .get("/admin/emails", admin::emails)
        .get("/api/v1/notifications", api::list)
        .post("/api/v1/notifications/{id}/read", api::mark_read)
        .post("/api/v1/notifications/read-all", api::mark_all_read)
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    api::openapi_paths()
}
