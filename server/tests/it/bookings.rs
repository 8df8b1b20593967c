//! The student's booking journey through the real router: the race for seats, the booking
//! rules, the derived statuses, the pages (catalogue, my bookings, htmx and no-JS flows).

mod admin;
mod pages;
mod race;
mod rules;
mod statuses;

use axum::http::Method;
use proctorwise::accounts::model::{Role, User};
use proctorwise::db::{new_id, now_ms};
use proctorwise::events::EventType;
use proctorwise::exams::model::{ExamStatus, NewExam};
use proctorwise::exams::queries;
use serde_json::json;

use crate::helpers::{TestApp, TestResponse};

pub const MIN: i64 = 60_000;
pub const HOUR: i64 = 60 * MIN;

pub const FULL: &str = "This slot is full. Choose another slot.";
pub const TOO_LATE: &str = "This slot has already started. Choose a later slot.";
pub const UNAVAILABLE: &str = "This slot cannot be booked";
pub const ALREADY_BOOKED: &str = "You already have a booking for this exam.";
pub const OVERLAP: &str = "You already have another exam booked at that time.";
pub const CANCEL_STARTED: &str = "This exam has already started: the booking can no longer be cancelled.";

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}@example.test", &uuid::Uuid::new_v4().simple().to_string()[..12])
}

pub async fn teacher(app: &TestApp) -> User {
    app.create_user(Role::Teacher, &unique("teacher")).await
}

/// A student and a bearer token for the API.
pub async fn student(app: &TestApp) -> (User, String) {
    let user = app.create_user(Role::Student, &unique("student")).await;
    let (token, _) = app.state.tokens().issue(&user).expect("token");
    (user, token)
}

/// An exam with `status` and slots `(start offset from now, capacity)`; returns (exam id, slot ids).
pub async fn exam_with_status(
    app: &TestApp,
    teacher: &User,
    title: &str,
    status: ExamStatus,
    slots: &[(i64, i64)],
) -> (String, Vec<String>) {
    let db = &app.state.db;
    let exam = NewExam {
        teacher_id: teacher.id.clone(),
        title: title.into(),
        description: format!("About {title}"),
        duration_minutes: 60,
        status,
    };
    let exam_id = queries::insert_exam(db, &exam).await.expect("exam");
    let now = now_ms();
    let mut ids = Vec::new();
    for (offset, capacity) in slots {
        ids.push(queries::insert_slot(db, &exam_id, now + offset, *capacity).await.expect("slot"));
    }
    (exam_id, ids)
}

/// A published 60-minute exam with slots `(start offset from now, capacity)`.
pub async fn published_exam(app: &TestApp, teacher: &User, title: &str, slots: &[(i64, i64)]) -> (String, Vec<String>) {
    exam_with_status(app, teacher, title, ExamStatus::Published, slots).await
}

/// `POST /api/v1/bookings` as the token's student.
pub async fn book(app: &TestApp, token: &str, slot_id: &str) -> TestResponse {
    app.client().json(Method::POST, "/api/v1/bookings", json!({"slot_id": slot_id}), Some(token)).await
}

/// Books through the API and returns the booking id (must succeed).
pub async fn booked(app: &TestApp, token: &str, slot_id: &str) -> String {
    let res = book(app, token, slot_id).await;
    res.assert_status(axum::http::StatusCode::CREATED);
    res.json()["id"].as_str().expect("id").to_owned()
}

/// Moves a slot in time (as if the clock had moved on).
pub async fn move_slot(app: &TestApp, slot_id: &str, starts_in: i64, duration: i64) {
    let start = now_ms() + starts_in;
    sqlx::query("UPDATE exam_slots SET starts_at = ?, ends_at = ? WHERE id = ?")
        .bind(start)
        .bind(start + duration)
        .bind(slot_id)
        .execute(app.state.db.pool())
        .await
        .expect("move slot");
}

/// An attempt row for a booking (the attempts context writes them; plain SQL here).
pub async fn add_attempt(app: &TestApp, booking_id: &str, status: &str) {
    let (exam_id, student_id): (String, String) =
        sqlx::query_as("SELECT exam_id, student_id FROM bookings WHERE id = ?")
            .bind(booking_id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("booking");
    let now = now_ms();
    sqlx::query(
        "INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, submitted_at, question_order, option_orders, max_score_hundredths) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]', '{}', 100)",
    )
    .bind(new_id())
    .bind(booking_id)
    .bind(&exam_id)
    .bind(&student_id)
    .bind(status)
    .bind(now - 10 * MIN)
    .bind(now + 50 * MIN)
    .bind((status == "submitted").then_some(now))
    .execute(app.state.db.pool())
    .await
    .expect("attempt");
}

pub async fn events(app: &TestApp, event_type: EventType) -> usize {
    event_payloads(app, event_type).await.len()
}

/// (aggregate id, payload) of every event of a type.
pub async fn event_payloads(app: &TestApp, event_type: EventType) -> Vec<(String, serde_json::Value)> {
    proctorwise::events::outbox::list_of_type(&app.state.db, event_type)
        .await
        .expect("outbox")
        .into_iter()
        .map(|row| (row.aggregate_id, serde_json::from_str(&row.payload).expect("payload JSON")))
        .collect()
}

pub async fn seats_taken(app: &TestApp, slot_id: &str) -> i64 {
    queries::get_slot(&app.state.db, slot_id).await.expect("query").expect("slot").booked
}
