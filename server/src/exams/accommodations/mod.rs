//! Accommodations: extra time per student, found by name or email.

pub(in crate::exams) mod handlers;
pub mod queries;
pub(in crate::exams) mod views;
