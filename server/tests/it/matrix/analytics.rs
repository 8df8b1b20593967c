//! Access decisions of the analytics routes: the dashboard and platform reports are the admin's;
//! exam analytics and exports follow exam ownership (another teacher's exam is a 404); a
//! student reads only their own analytics (another student's id is a 404).

use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[
    ("GET", "/admin", [Login, S(403), S(403), S(403), S(200)]),
    ("GET", "/admin/parts/dashboard", [Login, S(403), S(403), S(403), S(200)]),
    ("GET", "/analytics", [Login, S(403), S(200), S(403), S(200)]),
    ("GET", "/analytics/me", [Login, S(303), S(403), S(403), S(403)]),
    ("GET", "/analytics/search/exams", [Login, S(403), S(200), S(403), S(200)]),
    ("GET", "/analytics/search/users", [Login, S(403), S(403), S(403), S(200)]),
    ("GET", "/analytics/exams/{exam_id}", [Login, S(403), S(404), S(403), S(200)]),
    ("GET", "/analytics/exams/{exam_id}/report.pdf", [Login, S(403), S(404), S(403), S(200)]),
    ("GET", "/analytics/exams/{exam_id}/report.csv", [Login, S(403), S(404), S(403), S(200)]),
    ("GET", "/analytics/users/{user_id}", [Login, S(404), S(403), S(403), S(200)]),
    ("GET", "/analytics/users/{user_id}/report.pdf", [Login, S(404), S(403), S(403), S(200)]),
    ("GET", "/analytics/users/{user_id}/report.csv", [Login, S(404), S(403), S(403), S(200)]),
    ("GET", "/analytics/platform", [Login, S(403), S(403), S(403), S(200)]),
    ("GET", "/analytics/platform/report.pdf", [Login, S(403), S(403), S(403), S(200)]),
    ("GET", "/analytics/platform/report.csv", [Login, S(403), S(403), S(403), S(200)]),
    ("GET", "/analytics/exports/submissions.csv", [Login, S(403), S(200), S(403), S(200)]),
    ("GET", "/analytics/exports/anomalies.csv", [Login, S(403), S(403), S(403), S(200)]),
];
