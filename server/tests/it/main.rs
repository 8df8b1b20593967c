//! Integration tests through the real router, every test on SQLite and on MariaDB.

mod fixtures;
mod helpers;

mod accounts;
mod admin;
mod api;
mod exams_api;
mod exams_editor;
mod exams_import;
mod exams_questions;
mod exams_slots;
mod exams_support;
mod matrix;
mod ops;
