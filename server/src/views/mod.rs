//! Shared page layout and components (maud), and the error pages.

pub mod charts;
pub mod components;
pub mod errors;
pub mod layout;

pub use layout::{page, respond};
