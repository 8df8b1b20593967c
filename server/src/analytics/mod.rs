//! Analytics: the admin dashboard (KPIs, SVG charts, alerts, real health), exam and student
//! analytics with item analysis, platform reports, PDF and CSV exports (large ones streamed).
//! Monitoring figures come from [`anomaly_source`] only (filled by the monitoring context);
//! submission figures from [`crate::attempts::facts`]; titles, teachers and questions from the
//! exams' queries, names from the accounts'. Analytics names no table: it joins the owners'
//! answers by id, one lookup per list or page.

mod access;
pub mod anomaly_source;
pub mod dashboard;
pub mod exports;
pub mod fmt;
mod handlers;
pub mod messages;
pub mod platform;
pub mod reports;

use crate::routing::Routes;

/// Routes of the analytics context.
pub fn routes() -> Routes {
    Routes::new()
        .get("/admin", handlers::dashboard)
        .get("/admin/parts/dashboard", handlers::dashboard_part)
        .get("/analytics", handlers::index)
        .get("/analytics/me", handlers::me)
        .get("/analytics/search/exams", handlers::search_exams)
        .get("/analytics/search/users", handlers::search_users)
        .get("/analytics/exams/{exam_id}", handlers::exam)
        .get("/analytics/exams/{exam_id}/report.pdf", exports::handlers::exam_pdf)
        .get("/analytics/exams/{exam_id}/report.csv", exports::handlers::exam_csv)
        .get("/analytics/users/{user_id}", handlers::user)
        .get("/analytics/users/{user_id}/report.pdf", exports::handlers::user_pdf)
        .get("/analytics/users/{user_id}/report.csv", exports::handlers::user_csv)
        .get("/analytics/platform", handlers::platform_page)
        .get("/analytics/platform/report.pdf", exports::handlers::platform_pdf)
        .get("/analytics/platform/report.csv", exports::handlers::platform_csv)
        .get("/analytics/exports/submissions.csv", exports::handlers::submissions_csv)
        .get("/analytics/exports/anomalies.csv", exports::handlers::anomalies_csv)
}
