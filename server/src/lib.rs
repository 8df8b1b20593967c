//! ProctorWise: online exam proctoring. Server-rendered (axum + maud + htmx), SQLite by default,
//! MariaDB in production. `build_router` is the whole application; tests drive it in-process.

pub mod accounts;
pub mod analytics;
pub mod api;
pub mod app;
pub mod assembly;
pub mod attempts;
pub mod bookings;
pub mod clock;
pub mod config;
pub mod db;
pub mod dead_letters;
pub mod demo;
pub mod detection;
pub mod error;
pub mod events;
pub mod exams;
pub mod grading;
pub mod heartbeat;
pub mod home;
pub mod i18n;
pub mod monitoring;
pub mod notifications;
pub mod ops;
pub mod reports;
pub mod routing;
pub mod server;
pub mod views;
pub mod wakeup;
pub mod web;

pub use app::AppState;
pub use assembly::{build_router, route_table};
pub use config::Config;
