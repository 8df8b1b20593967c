//! Seats under concurrency: the guarantees must hold when requests really overlap.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use proctorwise::bookings::service::count_active_on_slot;
use proctorwise::events::EventType;
use serde_json::json;
use tokio::sync::Barrier;

use super::{ALREADY_BOOKED, FULL, HOUR, events, published_exam, seats_taken, student, teacher};
use crate::dual;
use crate::helpers::TestApp;

dual!(fifty_students_race_for_ten_seats, one_student_firing_five_bookings_of_one_exam_gets_one);

/// Fires one `POST /api/v1/bookings` per (token, slot) at the same instant; returns the answers.
async fn fire(app: &TestApp, requests: Vec<(String, String)>) -> Vec<(StatusCode, serde_json::Value)> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(token, slot_id)| {
            let client = app.client();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let res =
                    client.json(Method::POST, "/api/v1/bookings", json!({"slot_id": slot_id}), Some(&token)).await;
                (res.status, res.json())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("request task"));
    }
    answers
}

async fn fifty_students_race_for_ten_seats(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "Race", &[(24 * HOUR, 10)]).await;
    let mut requests = Vec::new();
    for _ in 0..50 {
        requests.push((student(&app).await.1, slots[0].clone()));
    }
    let answers = fire(&app, requests).await;
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let refused: Vec<_> = answers.iter().filter(|(s, _)| *s == StatusCode::CONFLICT).collect();
    assert_eq!(created, 10, "answers: {answers:?}");
    assert_eq!(refused.len(), 40, "answers: {answers:?}");
    for (_, body) in &refused {
        assert_eq!(body["error"], "conflict");
        assert_eq!(body["message"], FULL);
    }
    for (status, body) in answers.iter().filter(|(s, _)| *s == StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::CREATED);
        assert_eq!(body["status"], "scheduled");
        assert_eq!(body["slot_id"], slots[0].as_str());
    }
    assert_eq!(seats_taken(&app, &slots[0]).await, 10);
    assert_eq!(count_active_on_slot(&app.state.db, &slots[0]).await.expect("count"), 10);
    assert_eq!(events(&app, EventType::ExamScheduled).await, 10);
}

async fn one_student_firing_five_bookings_of_one_exam_gets_one(app: TestApp) {
    let owner = teacher(&app).await;
    let offsets: Vec<(i64, i64)> = (1..=5).map(|day| (day * 24 * HOUR, 10)).collect();
    let (_, slots) = published_exam(&app, &owner, "Five slots", &offsets).await;
    let (_, token) = student(&app).await;
    let answers = fire(&app, slots.iter().map(|s| (token.clone(), s.clone())).collect()).await;
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert_eq!(created, 1, "answers: {answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.starts_with(ALREADY_BOOKED)), "{body}");
    }
    let mut taken = 0;
    for slot in &slots {
        taken += seats_taken(&app, slot).await;
    }
    assert_eq!(taken, 1, "exactly one seat is taken across the five slots");
    assert_eq!(events(&app, EventType::ExamScheduled).await, 1);
}
