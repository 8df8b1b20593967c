//! Access decisions of the monitoring routes: the browser's uploads are for the student who owns
//! the session (the world's belongs to another student: 403 JSON); frames by id for proctors and
//! admins (and their owner); the panels for proctors and admins; assignments for admins.

use super::Expect::{Login, S};
use super::Line;

const PANEL: [super::Expect; 5] = [Login, S(403), S(403), S(200), S(200)];

pub const LINES: &[Line] = &[
    ("POST", "/monitoring/sessions/{session_id}/frames", [S(401), S(403), S(403), S(403), S(403)]),
    ("POST", "/monitoring/sessions/{session_id}/events", [S(401), S(403), S(403), S(403), S(403)]),
    ("GET", "/monitoring/frames/{frame_id}", [Login, S(404), S(403), S(200), S(200)]),
    ("GET", "/proctor/stream", PANEL),
    ("GET", "/proctor/history", PANEL),
    ("GET", "/proctor/sessions/{session_id}", PANEL),
    ("GET", "/proctor/sessions/{session_id}/stream", PANEL),
    // No reason given: refused with 422 once the caller is allowed.
    ("POST", "/proctor/sessions/{session_id}/stop", [Login, S(403), S(403), S(422), S(422)]),
    ("POST", "/proctor/sessions/{session_id}/reviewed", [Login, S(403), S(403), S(303), S(303)]),
    ("POST", "/proctor/anomalies/{anomaly_id}/review", [Login, S(403), S(403), S(422), S(422)]),
    ("GET", "/proctor/assignments", [Login, S(403), S(403), S(403), S(200)]),
    // The session's anomalies with their explanations, for proctors in scope and admins.
    ("GET", "/api/v1/monitoring/sessions/{session_id}/anomalies", [S(401), S(403), S(403), S(200), S(200)]),
    ("POST", "/proctor/assignments", [Login, S(403), S(403), S(403), S(422)]),
];
