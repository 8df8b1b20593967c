//! Access decisions of the exams routes.

#[allow(unused_imports)]
use super::Expect::{Login, S};
use super::Line;

pub const LINES: &[Line] = &[];
