//! Access decisions of the reports routes: batch analytics are for admins only. An admin's empty
//! "run now" form names no job (422).

use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[
    ("GET", "/admin/reports", [Login, S(403), S(403), S(403), S(200)]),
    ("POST", "/admin/reports/run", [Login, S(403), S(403), S(403), S(422)]),
];
