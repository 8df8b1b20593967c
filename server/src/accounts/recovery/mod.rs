//! Links by email. Address confirmation (`verify`): with `PROCTORWISE_VERIFY_EMAIL`, a
//! self-registered student logs in once the link sent at registration was opened.
//! Account recovery: a user who forgot their password asks for a link by email; an admin can
//! send one from the user's page. The link's token is random, kept only as its SHA-256, works
//! once and for [`TOKEN_TTL_MS`]; the answer to a request is the same whether the address
//! exists or not; requests are throttled per address and per account; a reset ends every
//! session and token of the account (see `profile`).

mod handlers;
pub mod mailbox;
pub mod messages;
pub mod queries;
pub mod verify;
mod views;

use crate::routing::Routes;

/// How long a reset link works.
pub const TOKEN_TTL_MS: i64 = 60 * 60 * 1000;
/// How long an address-confirmation link works.
pub const VERIFY_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// Routes of account recovery.
pub fn routes() -> Routes {
    Routes::new()
        .get("/password/forgot", handlers::forgot_page)
        .post("/password/forgot", handlers::forgot)
        .get("/password/reset", handlers::reset_page)
        .post("/password/reset", handlers::reset)
        .post("/admin/users/{id}/reset-link", handlers::admin_send)
        .get("/register/verify", verify::confirm)
        .get("/register/resend", verify::resend_page)
        .post("/register/resend", verify::resend)
}
