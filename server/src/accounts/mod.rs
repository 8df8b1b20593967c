//! Accounts: registration, login, sessions, roles, API tokens and user administration.

pub mod admin;
pub mod api;
pub mod auth;
pub mod extract;
pub mod forms;
pub mod handlers;
pub mod model;
mod openapi;
pub mod password;
pub mod profile;
pub mod queries;
pub mod recovery;
pub mod session_store;
pub mod settings;
pub mod throttle;
pub mod tokens;
pub mod upkeep;
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
        .post("/lang", handlers::switch_lang)
        .merge(profile::routes())
        .merge(recovery::routes())
        .merge(admin::routes())
        .merge(api::routes())
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    openapi::paths()
}
