//! Access decisions of the accounts, home, ops and API-document routes.

use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[
    ("GET", "/", [S(303), S(303), S(303), S(303), S(303)]),
    ("GET", "/student", [Login, S(200), S(403), S(403), S(403)]),
    ("GET", "/teacher", [Login, S(403), S(200), S(403), S(200)]),
    ("GET", "/proctor", [Login, S(403), S(403), S(200), S(200)]),
    ("GET", "/login", [S(200), S(303), S(303), S(303), S(303)]),
    ("POST", "/login", [S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/logout", [S(303), S(303), S(303), S(303), S(303)]),
    ("GET", "/register", [S(200), S(303), S(303), S(303), S(303)]),
    ("POST", "/register", [S(422), S(303), S(303), S(303), S(303)]),
    ("POST", "/lang", [S(303), S(303), S(303), S(303), S(303)]),
    ("GET", "/profile", [Login, S(200), S(200), S(200), S(200)]),
    ("POST", "/profile", [Login, S(422), S(422), S(422), S(422)]),
    ("POST", "/profile/password", [Login, S(422), S(422), S(422), S(422)]),
    ("GET", "/password/forgot", [S(200), S(200), S(200), S(200), S(200)]),
    ("POST", "/password/forgot", [S(422), S(422), S(422), S(422), S(422)]),
    ("GET", "/password/reset", [S(410), S(410), S(410), S(410), S(410)]),
    ("POST", "/password/reset", [S(410), S(410), S(410), S(410), S(410)]),
    ("POST", "/admin/users/{id}/reset-link", [Login, S(403), S(403), S(403), S(303)]),
    ("GET", "/admin/users", [Login, S(403), S(403), S(403), S(200)]),
    ("GET", "/admin/users/new", [Login, S(403), S(403), S(403), S(200)]),
    ("POST", "/admin/users", [Login, S(403), S(403), S(403), S(422)]),
    ("POST", "/admin/users/{id}/role", [Login, S(403), S(403), S(403), S(303)]),
    ("POST", "/admin/users/{id}/active", [Login, S(403), S(403), S(403), S(303)]),
    ("POST", "/api/v1/auth/token", [S(422), S(422), S(422), S(422), S(422)]),
    ("GET", "/api/v1/me", [S(401), S(200), S(200), S(200), S(200)]),
    ("GET", "/api/v1/users", [S(401), S(403), S(403), S(403), S(200)]),
    ("GET", "/api/v1/openapi.json", [S(200), S(200), S(200), S(200), S(200)]),
    ("GET", "/health", [S(200), S(200), S(200), S(200), S(200)]),
    ("GET", "/ready", [S(200), S(200), S(200), S(200), S(200)]),
    ("GET", "/metrics", [S(200), S(200), S(200), S(200), S(200)]),
    ("GET", "/static/{*path}", [S(200), S(200), S(200), S(200), S(200)]),
];
