//! Access decisions of the attempt routes: students only, and only on their own bookings and
//! attempts (the world's belong to another student, hence 404).

use super::Expect::{Login, S};
use super::Line;

const OWNED_PAGE: [super::Expect; 5] = [Login, S(404), S(403), S(403), S(403)];
const OWNED_API: [super::Expect; 5] = [S(401), S(404), S(403), S(403), S(403)];
const OWNED_API_WITH_BODY: [super::Expect; 5] = [S(401), S(422), S(403), S(403), S(403)];

pub const LINES: &[Line] = &[
    ("GET", "/bookings/{booking_id}/start", OWNED_PAGE),
    ("POST", "/bookings/{booking_id}/start", OWNED_PAGE),
    ("POST", "/bookings/{booking_id}/webcam-refused", OWNED_PAGE),
    ("GET", "/attempts/{attempt_id}", OWNED_PAGE),
    ("GET", "/attempts/{attempt_id}/q/{n}", OWNED_PAGE),
    ("POST", "/attempts/{attempt_id}/q/{n}", OWNED_PAGE),
    ("GET", "/attempts/{attempt_id}/review", OWNED_PAGE),
    ("POST", "/attempts/{attempt_id}/submit", OWNED_PAGE),
    // The JSON body is read before ownership: an empty body is a 422 whoever owns the booking.
    ("POST", "/api/v1/bookings/{booking_id}/start", OWNED_API_WITH_BODY),
    ("GET", "/api/v1/attempts/{attempt_id}", OWNED_API),
    ("POST", "/api/v1/attempts/{attempt_id}/answers", OWNED_API_WITH_BODY),
    ("POST", "/api/v1/attempts/{attempt_id}/submit", OWNED_API),
];
