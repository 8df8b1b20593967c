//! Integration tests through the real router, every test on SQLite and on MariaDB.

mod exam_scenario;
mod fixtures;
mod helpers;

mod accounts;
mod admin;
mod analytics;
mod api;
mod attempts;
mod batch;
mod batch_fixtures;
mod bookings;
mod db_failures;
mod demo;
mod detection;
mod event_schemas;
mod events;
mod exam_page;
mod exams_api;
mod exams_detection;
mod exams_editor;
mod exams_import;
mod exams_questions;
mod exams_slots;
mod exams_support;
mod grading;
mod matrix;
mod monitoring;
mod notifications;
mod notifications_email;
mod ops;
mod profile;
mod recovery;
mod replicas;
mod structure;
mod webcam_refusal;
