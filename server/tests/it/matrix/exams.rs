//! Access decisions of the exams routes. The world's exam belongs to another teacher: the
//! teacher identity gets 404 on it, the admin gets through. POSTs carry an empty form, so an
//! allowed caller meets the validation (422) or the confirmation step (200).

use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[
    ("GET", "/exams/new", [Login, S(403), S(200), S(403), S(200)]),
    ("POST", "/exams", [Login, S(403), S(422), S(403), S(422)]),
    ("GET", "/exams/import-example.csv", [Login, S(403), S(200), S(403), S(200)]),
    ("GET", "/exams/{exam_id}", [Login, S(403), S(404), S(403), S(200)]),
    ("POST", "/exams/{exam_id}", [Login, S(403), S(404), S(403), S(422)]),
    ("GET", "/exams/{exam_id}/edit", [Login, S(403), S(404), S(403), S(200)]),
    // The world's only slot has started: nothing upcoming, so publishing is refused.
    ("POST", "/exams/{exam_id}/publish", [Login, S(403), S(404), S(403), S(409)]),
    // One active booking: both ask for confirmation first.
    ("POST", "/exams/{exam_id}/unpublish", [Login, S(403), S(404), S(403), S(200)]),
    ("POST", "/exams/{exam_id}/delete", [Login, S(403), S(404), S(403), S(200)]),
    ("POST", "/exams/{exam_id}/slots", [Login, S(403), S(404), S(403), S(422)]),
    ("POST", "/exams/{exam_id}/slots/{slot_id}/remove", [Login, S(403), S(404), S(403), S(200)]),
    ("GET", "/exams/{exam_id}/questions/new", [Login, S(403), S(404), S(403), S(200)]),
    ("POST", "/exams/{exam_id}/questions", [Login, S(403), S(404), S(403), S(422)]),
    ("GET", "/exams/{exam_id}/questions/{question_id}/edit", [Login, S(403), S(404), S(403), S(200)]),
    ("POST", "/exams/{exam_id}/questions/{question_id}", [Login, S(403), S(404), S(403), S(422)]),
    ("POST", "/exams/{exam_id}/questions/{question_id}/move", [Login, S(403), S(404), S(403), S(422)]),
    ("POST", "/exams/{exam_id}/questions/{question_id}/delete", [Login, S(403), S(404), S(403), S(200)]),
    ("POST", "/exams/{exam_id}/questions/{question_id}/regrade", [Login, S(403), S(404), S(403), S(200)]),
    ("GET", "/exams/{exam_id}/preview", [Login, S(403), S(404), S(403), S(200)]),
    ("GET", "/exams/{exam_id}/import", [Login, S(403), S(404), S(403), S(200)]),
    // Not multipart: no file.
    ("POST", "/exams/{exam_id}/import", [Login, S(403), S(404), S(403), S(422)]),
    ("POST", "/exams/{exam_id}/import/confirm", [Login, S(403), S(404), S(403), S(422)]),
    ("POST", "/exams/{exam_id}/accommodations", [Login, S(403), S(404), S(403), S(422)]),
    ("POST", "/exams/{exam_id}/accommodations/{student_id}/remove", [Login, S(403), S(404), S(403), S(303)]),
    ("GET", "/exams/{exam_id}/accommodations/students", [Login, S(403), S(404), S(403), S(200)]),
    ("GET", "/api/v1/exams", [S(401), S(200), S(200), S(403), S(200)]),
    ("POST", "/api/v1/exams", [S(401), S(403), S(422), S(403), S(422)]),
    // A student sees the published exam (no questions); another teacher does not.
    ("GET", "/api/v1/exams/{exam_id}", [S(401), S(200), S(404), S(403), S(200)]),
    ("POST", "/api/v1/exams/{exam_id}/questions", [S(401), S(403), S(404), S(403), S(422)]),
    // An empty object is valid: every detection setting back to its default.
    ("POST", "/api/v1/exams/{exam_id}/detection", [S(401), S(403), S(404), S(403), S(200)]),
];
