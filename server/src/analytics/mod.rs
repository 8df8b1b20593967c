//! Analytics: the admin dashboard (KPIs, SVG charts, alerts, real health), exam and student
//! analytics with item analysis, platform reports, PDF and CSV exports (large ones streamed).
//! Monitoring figures come from [`anomaly_source`] only (filled by the monitoring context).

mod access;
pub mod alerts;
pub mod anomaly_source;
pub mod csv_export;
pub mod fmt;
mod handlers;
mod handlers_export;
pub mod messages;
pub mod pdf;
pub mod pdf_reports;
pub mod platform;
pub mod queries;
pub mod queries_people;
pub mod report;
pub mod stats;
pub mod stream;
mod views_dashboard;
mod views_index;
mod views_platform;
mod views_reports;

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
        .get("/analytics/exams/{exam_id}/report.pdf", handlers_export::exam_pdf)
        .get("/analytics/exams/{exam_id}/report.csv", handlers_export::exam_csv)
        .get("/analytics/users/{user_id}", handlers::user)
        .get("/analytics/users/{user_id}/report.pdf", handlers_export::user_pdf)
        .get("/analytics/users/{user_id}/report.csv", handlers_export::user_csv)
        .get("/analytics/platform", handlers::platform_page)
        .get("/analytics/platform/report.pdf", handlers_export::platform_pdf)
        .get("/analytics/platform/report.csv", handlers_export::platform_csv)
        .get("/analytics/exports/submissions.csv", handlers_export::submissions_csv)
        .get("/analytics/exports/anomalies.csv", handlers_export::anomalies_csv)
}
