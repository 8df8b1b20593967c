//! The user's own profile: their name, their password (changing it signs out every other
//! session and API token), their account's details.

mod forms;
mod handlers;
pub mod messages;
mod views;

use crate::routing::Routes;

/// Routes of the profile.
pub fn routes() -> Routes {
    Routes::new()
        .get("/profile", handlers::page)
        .post("/profile", handlers::rename)
        .post("/profile/password", handlers::change_password)
}
