//! Access decisions of the detection routes: the equipment check is for every signed-in user.

use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[("GET", "/system-check", [Login, S(200), S(200), S(200), S(200)])];
