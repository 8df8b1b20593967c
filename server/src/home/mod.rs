//! Each role's home page after login.

mod handlers;

use crate::routing::Routes;

/// Routes of the home pages (the proctor's home, `/proctor`, is the monitoring panel).
pub fn routes() -> Routes {
    Routes::new()
        .get("/", handlers::root)
        .get("/student", handlers::student_home)
        .get("/teacher", handlers::teacher_home)
        .get("/admin", handlers::admin_home)
}
