//! The admin dashboard: its alerts and its live block.

pub mod alerts;
pub(in crate::analytics) mod views;
