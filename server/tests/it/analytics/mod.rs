//! Analytics: metric definitions, pages, exports, permissions and health.

mod alerts;
mod anomalies;
mod csv_safety;
mod exports;
mod fixture;
mod health;
mod metrics;
