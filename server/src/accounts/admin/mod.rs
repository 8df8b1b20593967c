//! User administration: search, create with any role, change roles, deactivate/reactivate.

pub mod handlers;
mod views;

use crate::routing::Routes;

/// Routes of user administration (admins only).
pub fn routes() -> Routes {
    Routes::new()
        .get("/admin/users", handlers::list_users)
        .get("/admin/users/new", handlers::new_user_page)
        .post("/admin/users", handlers::create_user)
        .post("/admin/users/{id}/role", handlers::change_role)
        .post("/admin/users/{id}/active", handlers::change_active)
}
