//! The booking rules as the student meets them: one booking per exam, no overlaps, only future
//! slots of published exams, cancellation before the start only, nobody else's booking.

use axum::http::{Method, StatusCode};
use proctorwise::accounts::model::Role;
use proctorwise::bookings::service;
use proctorwise::events::EventType;
use proctorwise::exams::model::ExamStatus;
use proctorwise::exams::queries;
use serde_json::json;

use super::*;
use crate::dual;
use crate::helpers::TestApp;

dual!(
    one_active_booking_per_exam,
    overlapping_bookings_across_exams_are_refused,
    only_future_slots_of_published_exams_can_be_booked,
    malformed_or_missing_slot_ids_are_422,
    cancelling_before_the_start_frees_the_seat_and_records_the_event,
    cancelling_after_the_start_is_refused,
    another_students_booking_is_not_found,
    the_bookings_api_is_for_students_only,
);

#[track_caller]
fn assert_conflict(res: &crate::helpers::TestResponse, message_start: &str) {
    res.assert_status(StatusCode::CONFLICT);
    let body = res.json();
    assert_eq!(body["error"], "conflict");
    assert!(body["message"].as_str().is_some_and(|m| m.starts_with(message_start)), "{body}");
}

async fn one_active_booking_per_exam(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "Physics", &[(24 * HOUR, 5), (48 * HOUR, 5)]).await;
    let (_, token) = student(&app).await;
    let first = booked(&app, &token, &slots[0]).await;
    assert_conflict(&book(&app, &token, &slots[1]).await, ALREADY_BOOKED);
    assert_conflict(&book(&app, &token, &slots[0]).await, ALREADY_BOOKED);
    assert_eq!(seats_taken(&app, &slots[1]).await, 0);
    // Once cancelled, another slot of the same exam can be chosen.
    let path = format!("/api/v1/bookings/{first}/cancel");
    app.client().json(Method::POST, &path, json!({}), Some(&token)).await.assert_status(StatusCode::OK);
    booked(&app, &token, &slots[1]).await;
}

async fn overlapping_bookings_across_exams_are_refused(app: TestApp) {
    let owner = teacher(&app).await;
    let t = 24 * HOUR;
    let (_, first) = published_exam(&app, &owner, "Morning", &[(t, 5)]).await;
    let (_, overlapping) = published_exam(&app, &owner, "Half an hour later", &[(t + 30 * MIN, 5)]).await;
    let (_, adjacent) = published_exam(&app, &owner, "Right after", &[(t + 60 * MIN, 5)]).await;
    let (_, token) = student(&app).await;
    booked(&app, &token, &first[0]).await;
    assert_conflict(&book(&app, &token, &overlapping[0]).await, OVERLAP);
    assert_eq!(seats_taken(&app, &overlapping[0]).await, 0);
    // Back to back is not an overlap.
    booked(&app, &token, &adjacent[0]).await;
}

async fn only_future_slots_of_published_exams_can_be_booked(app: TestApp) {
    let owner = teacher(&app).await;
    let db = &app.state.db;
    let (_, slots) =
        published_exam(&app, &owner, "Chemistry", &[(-10 * MIN, 5), (-3 * HOUR, 5), (24 * HOUR, 5), (48 * HOUR, 5)])
            .await;
    let (_, draft) = exam_with_status(&app, &owner, "Draft", ExamStatus::Draft, &[(24 * HOUR, 5)]).await;
    let (deleted_exam, deleted) = published_exam(&app, &owner, "Deleted", &[(72 * HOUR, 5)]).await;
    queries::set_status(db, &deleted_exam, ExamStatus::Deleted).await.expect("delete");
    service::remove_slot(db, &slots[3], &owner.id).await.expect("remove slot");
    let (_, token) = student(&app).await;
    assert_conflict(&book(&app, &token, &slots[0]).await, TOO_LATE);
    assert_conflict(&book(&app, &token, &slots[1]).await, TOO_LATE);
    assert_conflict(&book(&app, &token, &draft[0]).await, UNAVAILABLE);
    assert_conflict(&book(&app, &token, &deleted[0]).await, UNAVAILABLE);
    assert_conflict(&book(&app, &token, &slots[3]).await, UNAVAILABLE);
    assert_conflict(&book(&app, &token, &proctorwise::db::new_id()).await, UNAVAILABLE);
    assert_eq!(events(&app, EventType::ExamScheduled).await, 0);
    // The one future slot of the published exam is bookable.
    booked(&app, &token, &slots[2]).await;
}

async fn malformed_or_missing_slot_ids_are_422(app: TestApp) {
    let (_, token) = student(&app).await;
    for body in [json!({}), json!({"slot_id": "not-an-id"}), json!({"slot_id": null}), json!({"slot_id": ""})] {
        let res = app.client().json(Method::POST, "/api/v1/bookings", body.clone(), Some(&token)).await;
        res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.json()["message"], "Choose a slot to book.", "{body}");
    }
    let res = app.client().json(Method::POST, "/api/v1/bookings", json!({"slot_id": 42}), Some(&token)).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let (client, _) = app.login_as(Role::Student).await;
    client
        .post_form("/bookings", &[])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choose a slot to book.");
    client.post_form("/bookings", &[("slot_id", "1 OR 1=1")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

async fn cancelling_before_the_start_frees_the_seat_and_records_the_event(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "One seat", &[(24 * HOUR, 1)]).await;
    let (alice, alice_token) = student(&app).await;
    let (_, bob_token) = student(&app).await;
    let booking = booked(&app, &alice_token, &slots[0]).await;
    assert_conflict(&book(&app, &bob_token, &slots[0]).await, FULL);
    let path = format!("/api/v1/bookings/{booking}/cancel");
    let res = app.client().json(Method::POST, &path, json!({}), Some(&alice_token)).await;
    res.assert_status(StatusCode::OK);
    assert_eq!(res.json()["status"], "cancelled");
    assert_eq!(res.json()["cancel_reason"], "by_student");
    assert_eq!(seats_taken(&app, &slots[0]).await, 0);
    let cancelled = event_payloads(&app, EventType::ExamCancelled).await;
    assert_eq!(cancelled.len(), 1);
    let (aggregate_id, payload) = &cancelled[0];
    assert_eq!(aggregate_id, &booking);
    assert_eq!(payload["student_id"], alice.id.as_str());
    assert_eq!(payload["reason"], "cancelled_by_student");
    // Twice is a clear conflict, and the freed seat goes to the next student.
    let again = app.client().json(Method::POST, &path, json!({}), Some(&alice_token)).await;
    assert_conflict(&again, "This booking is already cancelled.");
    booked(&app, &bob_token, &slots[0]).await;
    assert_eq!(events(&app, EventType::ExamCancelled).await, 1);
}

async fn cancelling_after_the_start_is_refused(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "Started", &[(24 * HOUR, 5)]).await;
    let (client, user) = app.login_as(Role::Student).await;
    let (token, _) = app.state.tokens().issue(&user).expect("token");
    let booking = booked(&app, &token, &slots[0]).await;
    move_slot(&app, &slots[0], -5 * MIN, HOUR).await;
    let path = format!("/api/v1/bookings/{booking}/cancel");
    assert_conflict(&app.client().json(Method::POST, &path, json!({}), Some(&token)).await, CANCEL_STARTED);
    let res = client.post_form(&format!("/bookings/{booking}/cancel"), &[]).await;
    res.assert_status(StatusCode::CONFLICT).assert_contains(CANCEL_STARTED);
    let res = client.htmx_post(&format!("/bookings/{booking}/cancel"), &[]).await;
    res.assert_status(StatusCode::CONFLICT).assert_contains(CANCEL_STARTED);
    assert_eq!(res.header("hx-retarget"), "#toasts");
    assert_eq!(seats_taken(&app, &slots[0]).await, 1);
    assert_eq!(events(&app, EventType::ExamCancelled).await, 0);
}

async fn another_students_booking_is_not_found(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "Private", &[(24 * HOUR, 5)]).await;
    let (_, alice_token) = student(&app).await;
    let booking = booked(&app, &alice_token, &slots[0]).await;
    let (mallory, mallory_user) = app.login_as(Role::Student).await;
    let (mallory_token, _) = app.state.tokens().issue(&mallory_user).expect("token");
    let api_path = format!("/api/v1/bookings/{booking}/cancel");
    let res = app.client().json(Method::POST, &api_path, json!({}), Some(&mallory_token)).await;
    res.assert_status(StatusCode::NOT_FOUND);
    assert_eq!(res.json()["error"], "not_found");
    mallory.post_form(&format!("/bookings/{booking}/cancel"), &[]).await.assert_status(StatusCode::NOT_FOUND);
    mallory.post_form("/bookings/not-an-id/cancel", &[]).await.assert_status(StatusCode::NOT_FOUND);
    let list = app.client().api_get("/api/v1/bookings", Some(&mallory_token)).await;
    assert_eq!(list.json()["bookings"], json!([]));
    let page = mallory.get("/bookings").await;
    page.assert_status(StatusCode::OK);
    assert!(!page.body.contains(&booking), "another student's booking is not shown");
    assert_eq!(seats_taken(&app, &slots[0]).await, 1, "still booked");
}

async fn the_bookings_api_is_for_students_only(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "Staff", &[(24 * HOUR, 5)]).await;
    let (token, _) = app.state.tokens().issue(&owner).expect("token");
    let res = book(&app, &token, &slots[0]).await;
    res.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(res.json()["error"], "forbidden");
    app.client().api_get("/api/v1/bookings", Some(&token)).await.assert_status(StatusCode::FORBIDDEN);
    app.client().api_get("/api/v1/bookings", None).await.assert_status(StatusCode::UNAUTHORIZED);
    assert_eq!(seats_taken(&app, &slots[0]).await, 0);
}
