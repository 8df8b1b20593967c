//! Analytics: metric definitions, pages, exports, permissions and health.

mod anomalies;
mod exports;
mod fixture;
mod health;
mod metrics;
