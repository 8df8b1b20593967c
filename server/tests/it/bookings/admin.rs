//! The admins' bookings page: every booking found by exam, slot, student and status, and an
//! admin's cancellation with a message the student reads in the app, by email and on "My
//! bookings".

use axum::http::StatusCode;
use proctorwise::accounts::model::{Role, User};
use proctorwise::bookings::service;
use proctorwise::events::EventType;

use super::statuses::row;
use super::*;
use crate::dual;
use crate::helpers::{Client, TestApp};

dual!(
    admins_find_bookings_by_exam_slot_student_and_status,
    an_admin_cancels_with_a_message_the_student_reads,
    a_cancellation_needs_a_message_and_a_booking_that_can_still_be_cancelled,
);

const NOTE: &str = "The exam room is closed for works on that day. Please book the Thursday slot <b>instead</b>.";

async fn admin(app: &TestApp) -> (Client, User) {
    app.login_as(Role::Admin).await
}

async fn booking_id(app: &TestApp, student: &User, slot_id: &str) -> String {
    sqlx::query_scalar("SELECT id FROM bookings WHERE student_id = ? AND slot_id = ?")
        .bind(&student.id)
        .bind(slot_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("booking")
}

async fn admins_find_bookings_by_exam_slot_student_and_status(app: TestApp) {
    let owner = teacher(&app).await;
    let (algebra, a_slots) = published_exam(&app, &owner, "Algebra", &[(24 * HOUR, 5), (48 * HOUR, 5)]).await;
    let (_, b_slots) = published_exam(&app, &owner, "Biology", &[(72 * HOUR, 5)]).await;
    let (ann, ann_token) = student(&app).await;
    let (ben, ben_token) = student(&app).await;
    let (cleo, cleo_token) = student(&app).await;
    booked(&app, &ann_token, &a_slots[0]).await;
    booked(&app, &ben_token, &a_slots[1]).await;
    booked(&app, &ann_token, &b_slots[0]).await;
    let cleo_booking = booked(&app, &cleo_token, &a_slots[0]).await;
    service::cancel_by_student(&app.state.db, &cleo.id, &cleo_booking).await.expect("cancel").expect("cancelled");
    let (client, _) = admin(&app).await;

    let all = client.get("/admin/bookings").await;
    all.assert_status(StatusCode::OK).assert_contains("Bookings found: 4").assert_contains("<html");
    for who in [&ann, &ben, &cleo] {
        all.assert_contains(&who.email);
    }
    // One exam: its rows only, and its slots become a filter.
    let by_exam = client.get(&format!("/admin/bookings?exam={algebra}")).await;
    by_exam.assert_status(StatusCode::OK).assert_contains("Bookings found: 3").assert_contains("id=\"booking-slot\"");
    assert!(!by_exam.body.contains("Biology</td>"), "{}", by_exam.body);
    let by_slot = client.get(&format!("/admin/bookings?exam={algebra}&slot={}", a_slots[1])).await;
    by_slot.assert_contains("Bookings found: 1").assert_contains(&ben.email);
    // A slot of another exam does not filter (nor does a malformed id).
    client
        .get(&format!("/admin/bookings?exam={algebra}&slot={}", b_slots[0]))
        .await
        .assert_contains("Bookings found: 3");
    client
        .get("/admin/bookings?exam=not-an-id")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Bookings found: 4");
    // A student by part of their email; a search nobody matches finds nothing.
    let by_student = client.get(&format!("/admin/bookings?student={}", &ann.email[..16])).await;
    by_student.assert_contains("Bookings found: 2");
    assert!(!by_student.body.contains(&ben.email));
    client.get("/admin/bookings?student=nobody-at-all").await.assert_contains("No booking matches these filters.");
    // By stored status.
    let cancelled = client.get("/admin/bookings?status=cancelled").await;
    cancelled.assert_contains("Bookings found: 1").assert_contains(&cleo.email).assert_contains("(by the student)");
    client.get("/admin/bookings?status=active").await.assert_contains("Bookings found: 3");
    // htmx gets the filters and results only; any page number gives a page.
    let fragment = client
        .get_with("/admin/bookings?status=active", &[("HX-Request", "true"), ("HX-Target", "admin-bookings")])
        .await;
    fragment.assert_status(StatusCode::OK).assert_contains("id=\"admin-bookings\"");
    assert!(!fragment.body.contains("<html"));
    client
        .get("/admin/bookings?page=9223372036854775807")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Bookings found: 4");
    // The admin's menu links to it.
    all.assert_contains("href=\"/admin/bookings\"");
}

async fn an_admin_cancels_with_a_message_the_student_reads(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "Chemistry", &[(24 * HOUR, 2)]).await;
    let (student_client, student_user) = app.login_as(Role::Student).await;
    let token = app.state.tokens().issue(&student_user).expect("token").0;
    let id = booked(&app, &token, &slots[0]).await;
    let (client, admin_user) = admin(&app).await;

    let res = client.htmx_post(&format!("/admin/bookings/{id}/cancel"), &[("note", NOTE)]).await;
    res.assert_status(StatusCode::OK)
        .assert_contains("Booking cancelled. The student has been notified.")
        .assert_contains("hx-swap-oob=\"beforeend:#toasts\"")
        .assert_contains("(by the administration)")
        .assert_contains("Please book the Thursday slot &lt;b&gt;instead&lt;/b&gt;.");
    let cancelled_row = row(&res.body, &format!("booking-{id}"));
    assert!(!cancelled_row.contains("<form"), "no second cancellation: {cancelled_row}");
    let stored: (String, String, String, String) =
        sqlx::query_as("SELECT status, cancel_reason, cancelled_by, cancel_note FROM bookings WHERE id = ?")
            .bind(&id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("booking");
    assert_eq!(stored, ("cancelled".into(), "cancelled_by_admin".into(), admin_user.id.clone(), NOTE.into()));
    let seats: i64 = sqlx::query_scalar("SELECT booked FROM exam_slots WHERE id = ?")
        .bind(&slots[0])
        .fetch_one(app.state.db.pool())
        .await
        .expect("slot");
    assert_eq!(seats, 0, "the seat is free again");

    // The event carries the code; the student's notice and email carry the message.
    let payloads = event_payloads(&app, EventType::ExamCancelled).await;
    assert_eq!(payloads.len(), 1);
    assert_eq!(payloads[0].1["reason"], "cancelled_by_admin");
    assert_eq!(payloads[0].1["cancelled_by"], admin_user.id.as_str());
    crate::notifications::deliver(&app, EventType::ExamCancelled).await;
    let body: proctorwise::db::DbText =
        sqlx::query_scalar("SELECT body FROM notifications WHERE user_id = ? AND event_type = 'exam_cancelled'")
            .bind(&student_user.id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("notice");
    assert!(body.0.contains(&format!("by the administration, who wrote: “{NOTE}”")), "{}", body.0);
    let html: proctorwise::db::DbText = sqlx::query_scalar(
        "SELECT html_body FROM email_outbox WHERE user_id = ? AND subject LIKE 'Booking cancelled%'",
    )
    .bind(&student_user.id)
    .fetch_one(app.state.db.pool())
    .await
    .expect("email");
    assert!(html.0.contains("&lt;b&gt;instead&lt;/b&gt;"), "escaped in the email: {}", html.0);

    // "My bookings" and the API say who cancelled it and why.
    student_client
        .get("/bookings")
        .await
        .assert_contains("(by the administration)")
        .assert_contains("The exam room is closed for works on that day.");
    let api = app.client().api_get("/api/v1/bookings", Some(&token)).await;
    let booking = &api.json()["bookings"][0];
    assert_eq!((booking["cancel_reason"].as_str(), booking["cancel_note"].as_str()), (Some("by_admin"), Some(NOTE)));
}

async fn a_cancellation_needs_a_message_and_a_booking_that_can_still_be_cancelled(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "Physics", &[(24 * HOUR, 5), (48 * HOUR, 5), (72 * HOUR, 5)]).await;
    let (a, a_token) = student(&app).await;
    let (b, b_token) = student(&app).await;
    let (c, c_token) = student(&app).await;
    booked(&app, &a_token, &slots[0]).await;
    booked(&app, &b_token, &slots[1]).await;
    booked(&app, &c_token, &slots[2]).await;
    let (client, _) = admin(&app).await;
    let a_booking = booking_id(&app, &a, &slots[0]).await;
    let url = format!("/admin/bookings/{a_booking}/cancel");

    // No message, or one too long: the form again with the error and what was typed, nothing changed.
    let res = client.htmx_post(&url, &[("note", "   ")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Write the reason the student will read.")
        .assert_contains("aria-invalid=\"true\"")
        .assert_contains("<details open");
    let long = "x".repeat(1001);
    client
        .htmx_post(&url, &[("note", &long)])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("limited to 1,000 characters")
        .assert_contains(&long);
    // Without JavaScript: a page with the form and its error.
    client
        .post_form(&url, &[("note", "")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("<html")
        .assert_contains("Write the reason the student will read.");
    assert_eq!(super::events(&app, EventType::ExamCancelled).await, 0);

    // Started by the student: a proctor stops the session instead.
    let b_booking = booking_id(&app, &b, &slots[1]).await;
    add_attempt(&app, &b_booking, "in_progress").await;
    client
        .htmx_post(&format!("/admin/bookings/{b_booking}/cancel"), &[("note", "Sorry")])
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("The student has started this exam");
    // The slot is over.
    let c_booking = booking_id(&app, &c, &slots[2]).await;
    move_slot(&app, &slots[2], -3 * HOUR, HOUR).await;
    client
        .htmx_post(&format!("/admin/bookings/{c_booking}/cancel"), &[("note", "Sorry")])
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains("This slot is over.");
    // Cancelled once; a second time is a conflict; an unknown booking is a 404.
    client.post_form(&url, &[("note", "Room closed")]).await.assert_status(StatusCode::SEE_OTHER);
    client.post_form(&url, &[("note", "Room closed")]).await.assert_status(StatusCode::CONFLICT);
    client
        .post_form(&format!("/admin/bookings/{}/cancel", uuid::Uuid::new_v4()), &[("note", "x")])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert_eq!(super::events(&app, EventType::ExamCancelled).await, 1);
}
