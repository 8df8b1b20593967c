//! Access decisions of the bookings routes. The student identity does not own the world's
//! booking (404); booking the world's slot, which has already started, is refused (409). Admins
//! see every booking; cancelling one needs a message.

use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[
    ("GET", "/bookings", [Login, S(200), S(403), S(403), S(403)]),
    ("POST", "/bookings", [Login, S(409), S(403), S(403), S(403)]),
    ("POST", "/bookings/{booking_id}/cancel", [Login, S(404), S(403), S(403), S(403)]),
    ("GET", "/api/v1/bookings", [S(401), S(200), S(403), S(403), S(403)]),
    ("POST", "/api/v1/bookings", [S(401), S(422), S(403), S(403), S(403)]),
    ("POST", "/api/v1/bookings/{booking_id}/cancel", [S(401), S(404), S(403), S(403), S(403)]),
    ("GET", "/admin/bookings", [Login, S(403), S(403), S(403), S(200)]),
    // The admin sends no message: the form again (422).
    ("POST", "/admin/bookings/{booking_id}/cancel", [Login, S(403), S(403), S(403), S(422)]),
];
