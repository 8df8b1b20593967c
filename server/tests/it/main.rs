//! Integration tests through the real router, every test on SQLite and on MariaDB.

mod fixtures;
mod helpers;

mod accounts;
mod admin;
mod api;
mod bookings;
mod matrix;
mod ops;
