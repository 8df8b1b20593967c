//! Each role's home page after login (the admin's dashboard is analytics').

mod handlers;

use crate::routing::Routes;

/// Routes of the home pages (the proctor's home, `/proctor`, is the monitoring panel).
pub fn routes() -> Routes {
    Routes::new()
        .get("/", handlers::root)
        .get("/student", handlers::student_home)
        .get("/teacher", handlers::teacher_home)
}
