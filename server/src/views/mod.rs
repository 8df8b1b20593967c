//! Shared page layout and components (maud).

pub mod charts;
pub mod components;
pub mod layout;

pub use layout::{page, respond};
