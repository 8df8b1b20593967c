//! Batch analytics for admins: the embedded scheduler that runs the `proctorwise-batch` jobs
//! in-process, the run history with a "run now" button, and the figures the jobs load back
//! (weekly question difficulty, monthly tiers, risk levels and at-risk students).

mod handlers;
pub mod messages;
pub mod queries;
pub mod runner;
pub mod schedule;
pub mod scheduler;
mod views;

use crate::routing::Routes;

/// Routes of the reports context.
pub fn routes() -> Routes {
    Routes::new().get("/admin/reports", handlers::show_reports).post("/admin/reports/run", handlers::run_now)
}
