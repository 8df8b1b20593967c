//! Access decisions of the bookings routes.

#[allow(unused_imports)]
use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[];
