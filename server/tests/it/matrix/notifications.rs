//! Access decisions of the notifications routes: every logged-in user has their own feed,
//! preferences and stream (someone else's notification is a 404); the email outbox is for admins.

use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[
    ("GET", "/notifications", [Login, S(200), S(200), S(200), S(200)]),
    ("POST", "/notifications/{id}/read", [Login, S(404), S(404), S(404), S(404)]),
    ("POST", "/notifications/read-all", [Login, S(303), S(303), S(303), S(303)]),
    ("GET", "/notifications/preferences", [Login, S(200), S(200), S(200), S(200)]),
    ("POST", "/notifications/preferences", [Login, S(303), S(303), S(303), S(303)]),
    ("GET", "/notifications/stream", [Login, S(200), S(200), S(200), S(200)]),
    ("GET", "/admin/emails", [Login, S(403), S(403), S(403), S(200)]),
    ("GET", "/api/v1/notifications", [S(401), S(200), S(200), S(200), S(200)]),
    ("POST", "/api/v1/notifications/{id}/read", [S(401), S(404), S(404), S(404), S(404)]),
    ("POST", "/api/v1/notifications/read-all", [S(401), S(200), S(200), S(200), S(200)]),
];
