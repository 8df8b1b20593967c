//! Access decisions of the dead-letters page: admins only.

use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[("GET", "/admin/dead-letters", [Login, S(403), S(403), S(403), S(200)])];
