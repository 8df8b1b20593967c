//! Access decisions of the grading routes: teachers on their own exams (404 on others'), admins
//! everywhere; students see only their own results. The world's attempt is still in progress, so
//! its copy does not exist yet in the results (404 even for an admin).

use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[
    ("GET", "/exams/{exam_id}/results", [Login, S(403), S(404), S(403), S(200)]),
    ("GET", "/exams/{exam_id}/results/{attempt_id}", [Login, S(403), S(404), S(403), S(404)]),
    (
        "POST",
        "/exams/{exam_id}/results/{attempt_id}/questions/{question_id}/grade",
        [Login, S(403), S(404), S(403), S(404)],
    ),
    ("POST", "/exams/{exam_id}/results/release", [Login, S(403), S(404), S(403), S(303)]),
    ("GET", "/grading", [Login, S(403), S(200), S(403), S(200)]),
    ("GET", "/results", [Login, S(200), S(403), S(403), S(403)]),
    ("GET", "/attempts/{attempt_id}/result", [Login, S(404), S(403), S(403), S(403)]),
    ("GET", "/api/v1/results", [S(401), S(200), S(403), S(403), S(403)]),
];
