//! Accounts: registration, login, sessions, roles, API tokens and user administration.

pub mod admin;
pub mod api;
pub mod auth;
pub mod extract;
pub mod forms;
pub mod handlers;
pub mod model;
pub mod password;
pub mod queries;
pub mod session_store;
pub mod throttle;
pub mod tokens;
mod views;

use crate::routing::Routes;

/// Routes of the accounts context.
pub fn routes() -> Routes {
    Routes::new()
        .get("/login", handlers::login_page)
        .post("/login", handlers::login)
        .post("/logout", handlers::logout)
        .get("/register", handlers::register_page)
        .post("/register", handlers::register)
        .merge(admin::routes())
        .merge(api::routes())
}
