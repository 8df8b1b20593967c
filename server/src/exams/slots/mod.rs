//! An exam's slots: added with their capacity, removed with their bookings released.

pub(in crate::exams) mod handlers;
pub(in crate::exams) mod views;
