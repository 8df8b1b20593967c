//! Notifications: real actions write outbox events, the handler (called as the relay will call
//! it) notifies the right people through the right channels, in their language; the pages, the
//! bell, the live stream and the JSON API show them to their owner only.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use proctorwise::accounts::model::{Role, User};
use proctorwise::accounts::queries as accounts;
use proctorwise::bookings::service as bookings;
use proctorwise::events::outbox::{OutboxRow, list_of_type};
use proctorwise::events::payloads::{AnomalyDetected, ExamCancelled, ExamScheduled, HighRiskAlert};
use proctorwise::events::{EventEnvelope, EventType, Payload, handle_once};
use proctorwise::exams::model::ReleaseMode;
use proctorwise::i18n::Lang;
use proctorwise::notifications::NotificationHandler;
use proctorwise::notifications::outbox;
use serde_json::json;
use tower::ServiceExt;

use crate::dual;
use crate::exam_scenario::Scenario;
use crate::helpers::{PASSWORD, TestApp};

dual!(
    bookings_and_cancellations_notify_student_and_teacher,
    grading_and_release_notify_teacher_then_student,
    anomalies_reach_proctors_and_admins_without_email_storms,
    preferences_and_language_are_honoured,
    bell_feed_and_mark_read,
    json_api_lists_and_marks_own_notifications,
    live_stream_pushes_the_bell,
);

/// Notifications' event handler, waking the bells of `app`.
pub fn handler(app: &TestApp) -> NotificationHandler {
    NotificationHandler::new("http://pw.test", Duration::from_secs(600), app.state.live.bell.clone())
}

pub fn envelope(row: &OutboxRow) -> EventEnvelope {
    EventEnvelope {
        id: row.id.clone(),
        event_type: row.event_type.clone(),
        version: row.version,
        occurred_at: 0,
        aggregate_id: row.aggregate_id.clone(),
        payload: serde_json::from_str(&row.payload).expect("payload"),
    }
}

/// Delivers every event of a type once (redelivery is a no-op).
pub async fn deliver(app: &TestApp, event_type: EventType) -> usize {
    let h = handler(app);
    let rows = list_of_type(&app.state.db, event_type).await.expect("outbox");
    for row in &rows {
        let env = envelope(row);
        handle_once(&app.state.db, &h, &env).await.expect("handle");
        assert!(!handle_once(&app.state.db, &h, &env).await.expect("again"), "handled twice");
    }
    rows.len()
}

/// An envelope of a payload no action wrote (fields a test leaves out are empty).
pub fn synthetic(payload: impl Into<Payload>) -> EventEnvelope {
    let payload: Payload = payload.into();
    EventEnvelope {
        id: uuid::Uuid::new_v4().to_string(),
        event_type: payload.event_type().as_str().into(),
        version: payload.version(),
        occurred_at: 0,
        aggregate_id: "synthetic".into(),
        payload: serde_json::to_value(&payload).expect("JSON"),
    }
}

/// (category, title) of a user's in-app notifications, oldest first.
pub async fn notices(app: &TestApp, user: &User) -> Vec<(String, String)> {
    sqlx::query_as("SELECT event_type, title FROM notifications WHERE user_id = ? ORDER BY created_at, id")
        .bind(&user.id)
        .fetch_all(app.state.db.pool())
        .await
        .expect("notices")
}

async fn emails(app: &TestApp, user: &User) -> Vec<outbox::QueuedEmail> {
    outbox::for_user(&app.state.db, &user.id).await.expect("emails")
}

async fn bookings_and_cancellations_notify_student_and_teacher(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    assert_eq!(deliver(&app, EventType::ExamScheduled).await, 1);
    let student = notices(&app, &s.student).await;
    assert_eq!(student, vec![("exam_scheduled".into(), "Exam booked: Physics <b>midterm</b>".into())]);
    assert_eq!(notices(&app, &s.teacher).await[0].0, "exam_scheduled");
    let mail = emails(&app, &s.student).await;
    assert_eq!(mail.len(), 1);
    assert_eq!((mail[0].status.as_str(), mail[0].to_address.as_str()), ("pending", s.student.email.as_str()));
    assert!(mail[0].html_body.contains("Physics &lt;b&gt;midterm&lt;/b&gt;"), "{}", mail[0].html_body);
    assert!(mail[0].text_body.contains("http://pw.test/bookings"));
    assert_eq!(emails(&app, &s.teacher).await.len(), 1);

    // The slot is already open, so the student cannot cancel: the teacher removes the slot.
    bookings::remove_slot(&app.state.db, &s.slot_id, &s.teacher.id).await.expect("remove slot");
    deliver(&app, EventType::ExamCancelled).await;
    let student = notices(&app, &s.student).await;
    assert_eq!(student.len(), 2);
    assert!(student.iter().any(|(kind, _)| kind == "exam_cancelled"));
    let body: proctorwise::db::DbText =
        sqlx::query_scalar("SELECT body FROM notifications WHERE user_id = ? AND event_type = 'exam_cancelled'")
            .bind(&s.student.id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("body");
    assert!(body.0.contains("the slot was removed"), "{}", body.0);
    let teacher = notices(&app, &s.teacher).await;
    assert_eq!(teacher.len(), 2);
    assert!(teacher.iter().any(|(kind, _)| kind == "exam_cancelled"));
    assert_eq!(emails(&app, &s.student).await.len(), 2);
    assert_eq!(emails(&app, &s.teacher).await.len(), 2);
}

async fn grading_and_release_notify_teacher_then_student(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Manual).await;
    let attempt_id = s.start().await;
    s.answer_all(&attempt_id).await;
    s.student_client
        .post_form(&format!("/attempts/{attempt_id}/submit"), &[("confirm", "yes")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    deliver(&app, EventType::ManualReviewRequired).await;
    let teacher_notices = notices(&app, &s.teacher).await;
    assert_eq!(
        teacher_notices,
        vec![("manual_review_required".into(), "Copy to grade: Physics <b>midterm</b>".into())]
    );
    assert_eq!(emails(&app, &s.teacher).await.len(), 1, "review-required emails by default");

    let teacher = app.client();
    teacher.login(&s.teacher.email, PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
    let copy = teacher.get(&format!("/exams/{}/results/{attempt_id}", s.exam_id)).await;
    let form = copy.body.find("name=\"score\"").expect("essay form");
    let start = copy.body[..form].rfind("action=\"").expect("action") + "action=\"".len();
    let url = copy.body[start..start + copy.body[start..].find('"').expect("end")].to_owned();
    teacher.post_form(&url, &[("score", "2")]).await.assert_status(StatusCode::SEE_OTHER);
    deliver(&app, EventType::GradingCompleted).await;
    assert!(notices(&app, &s.student).await.is_empty(), "results not released yet");
    assert!(notices(&app, &s.teacher).await.iter().any(|(kind, _)| kind == "copy_graded"));
    assert_eq!(emails(&app, &s.teacher).await.len(), 1, "graded copies are in-app only by default");

    teacher.post_form(&format!("/exams/{}/results/release", s.exam_id), &[]).await.assert_status(StatusCode::SEE_OTHER);
    teacher.post_form(&format!("/exams/{}/results/release", s.exam_id), &[]).await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(deliver(&app, EventType::ResultsReleased).await, 1, "one event per release");
    let student = notices(&app, &s.student).await;
    assert_eq!(student, vec![("results".into(), "Your result is available: Physics <b>midterm</b>".into())]);
    let link: String = sqlx::query_scalar("SELECT link FROM notifications WHERE user_id = ?")
        .bind(&s.student.id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("link");
    assert_eq!(link, format!("/attempts/{attempt_id}/result"));
    assert_eq!(emails(&app, &s.student).await.len(), 1);
}

async fn anomalies_reach_proctors_and_admins_without_email_storms(app: TestApp) {
    let p1 = app.create_user(Role::Proctor, "p1@example.test").await;
    let p2 = app.create_user(Role::Proctor, "p2@example.test").await;
    let gone = app.create_user(Role::Proctor, "gone@example.test").await;
    accounts::set_active(&app.state.db, &gone.id, false).await.expect("deactivate");
    let admin = app.create_user(Role::Admin, "admin@example.test").await;
    let student = app.create_user(Role::Student, "s@example.test").await;
    let h = handler(&app);
    let db = &app.state.db;
    let anomaly = |severity: &str, attempt: &str| {
        synthetic(AnomalyDetected {
            exam_id: "exam-1".into(),
            attempt_id: attempt.into(),
            student_id: student.id.clone(),
            severity: severity.into(),
            anomaly_type: "no_face".into(),
            ..Default::default()
        })
    };
    for low in ["low", "medium"] {
        handle_once(db, &h, &anomaly(low, "a1")).await.expect("handle");
    }
    assert!(notices(&app, &p1).await.is_empty(), "low and medium anomalies notify nobody");
    handle_once(db, &h, &anomaly("high", "a1")).await.expect("handle");
    assert_eq!(notices(&app, &p1).await.len(), 1);
    assert_eq!(notices(&app, &p2).await.len(), 1);
    assert!(notices(&app, &admin).await.is_empty(), "high goes to proctors only");
    assert!(notices(&app, &gone).await.is_empty(), "inactive proctors are not notified");
    assert!(emails(&app, &p1).await.is_empty(), "high anomalies are in-app only by default");

    for _ in 0..3 {
        handle_once(db, &h, &anomaly("critical", "a1")).await.expect("handle");
    }
    assert_eq!(notices(&app, &p1).await.len(), 4, "the feed shows every anomaly");
    assert_eq!(notices(&app, &admin).await.len(), 3);
    assert_eq!(emails(&app, &p1).await.len(), 1, "one email per proctor and session per window");
    assert_eq!(emails(&app, &admin).await.len(), 1);
    assert!(notices(&app, &admin).await[0].1.contains("CRITICAL"));
    handle_once(db, &h, &anomaly("critical", "a2")).await.expect("handle");
    assert_eq!(emails(&app, &p1).await.len(), 2, "another session gets its own email");

    let alert = synthetic(HighRiskAlert {
        exam_id: "exam-1".into(),
        attempt_id: "a3".into(),
        critical_count: 4,
        message: "4 critical anomalies".into(),
        ..Default::default()
    });
    handle_once(db, &h, &alert).await.expect("handle");
    for user in [&p2, &admin] {
        let urgent = notices(&app, user).await.into_iter().filter(|(_, title)| title.starts_with("URGENT")).count();
        assert_eq!(urgent, 1, "high-risk alerts reach proctors and admins");
    }
    assert_eq!(emails(&app, &admin).await.len(), 3);

    // Without a window (0 minutes) every critical anomaly emails.
    let no_limit = NotificationHandler::new("http://pw.test", Duration::ZERO, app.state.live.bell.clone());
    for _ in 0..2 {
        handle_once(db, &no_limit, &anomaly("critical", "a9")).await.expect("handle");
    }
    assert_eq!(emails(&app, &p2).await.len(), 5);
}

async fn preferences_and_language_are_honoured(app: TestApp) {
    let (student_client, student) = app.login_as(Role::Student).await;
    accounts::set_locale(&app.state.db, &student.id, Lang::Fr).await.expect("locale");
    let teacher = app.create_user(Role::Teacher, "t@example.test").await;
    let page = student_client.get("/notifications/preferences").await;
    page.assert_status(StatusCode::OK).assert_contains("name=\"exam_scheduled.email\" value=\"on\" checked");
    student_client
        .post_form("/notifications/preferences", &[("exam_scheduled.in_app", "on"), ("results.email", "on")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let page = student_client.get("/notifications/preferences").await;
    assert!(!page.body.contains("name=\"exam_scheduled.email\" value=\"on\" checked"));
    page.assert_contains("name=\"exam_scheduled.in_app\" value=\"on\" checked");
    assert!(!page.body.contains("name=\"exam_cancelled.in_app\" value=\"on\" checked"), "unchecked = off");

    let booked = ExamScheduled {
        student_id: student.id.clone(),
        teacher_id: teacher.id.clone(),
        exam_id: "x".into(),
        exam_title: "Chimie".into(),
        starts_at: 1_900_000_000_000,
        ..Default::default()
    };
    handle_once(&app.state.db, &handler(&app), &synthetic(booked)).await.expect("handle");
    let got = notices(&app, &student).await;
    assert_eq!(got, vec![("exam_scheduled".into(), "Examen réservé : Chimie".into())]);
    assert!(emails(&app, &student).await.is_empty(), "email switched off");
    let teacher_mail = emails(&app, &teacher).await;
    assert_eq!(teacher_mail[0].subject, "New booking: Chimie", "the teacher reads English");
    let cancelled = ExamCancelled {
        student_id: student.id.clone(),
        teacher_id: teacher.id.clone(),
        exam_id: "x".into(),
        ..Default::default()
    };
    handle_once(&app.state.db, &handler(&app), &synthetic(cancelled)).await.expect("handle");
    assert_eq!(notices(&app, &student).await.len(), 1, "in-app switched off for cancellations");
    assert_eq!(emails(&app, &student).await.len(), 0);
    assert_eq!(notices(&app, &teacher).await.len(), 2);
}

async fn notify(app: &TestApp, student: &User, title: &str) {
    let booked = ExamScheduled {
        student_id: student.id.clone(),
        exam_id: "x".into(),
        exam_title: title.into(),
        ..Default::default()
    };
    handle_once(&app.state.db, &handler(app), &synthetic(booked)).await.expect("handle");
}

async fn own_ids(app: &TestApp, user: &User) -> Vec<String> {
    sqlx::query_scalar("SELECT id FROM notifications WHERE user_id = ? ORDER BY created_at, id")
        .bind(&user.id)
        .fetch_all(app.state.db.pool())
        .await
        .expect("ids")
}

async fn bell_feed_and_mark_read(app: TestApp) {
    let anonymous = app.client().get("/").await;
    assert!(!anonymous.body.contains("id=\"bell\""), "no bell for anonymous visitors");
    let (client, student) = app.login_as(Role::Student).await;
    let (other_client, other) = app.login_as(Role::Student).await;
    client
        .get("/student")
        .await
        .assert_contains("id=\"bell\"")
        .assert_contains("sse-connect=\"/notifications/stream\"");
    notify(&app, &student, "Algebra <script>").await;
    // Dated a second earlier, so "newest first" has one answer without waiting.
    sqlx::query("UPDATE notifications SET created_at = created_at - 1000 WHERE user_id = ?")
        .bind(&student.id)
        .execute(app.state.db.pool())
        .await
        .expect("older");
    notify(&app, &student, "Biology").await;
    notify(&app, &other, "Secret exam").await;
    let page = client.get("/student").await;
    page.assert_contains("<span class=\"badge unread-count\">2</span>");
    page.assert_contains("/static/vendor/htmx-sse.min.js");
    let feed = client.get("/notifications").await;
    feed.assert_status(StatusCode::OK).assert_contains("Algebra &lt;script&gt;").assert_contains("2 unread");
    assert!(!feed.body.contains("Secret exam"));
    assert!(feed.body.find("Biology").expect("b") < feed.body.find("Algebra").expect("a"), "newest first");

    let ids = own_ids(&app, &student).await;
    let other_ids = own_ids(&app, &other).await;
    client.post_form(&format!("/notifications/{}/read", other_ids[0]), &[]).await.assert_status(StatusCode::NOT_FOUND);
    client.post_form("/notifications/not-an-id/read", &[]).await.assert_status(StatusCode::NOT_FOUND);
    let row = client.htmx_post(&format!("/notifications/{}/read", ids[0]), &[]).await;
    row.assert_status(StatusCode::OK).assert_contains(&format!("id=\"notification-{}\"", ids[0]));
    assert!(!row.body.contains("Mark read"));
    client.get("/student").await.assert_contains("<span class=\"badge unread-count\">1</span>");
    let res = client.post_form("/notifications/read-all", &[]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    let page = client.get("/student").await;
    assert!(!page.body.contains("unread-count"), "no badge at zero");
    other_client.get("/student").await.assert_contains("<span class=\"badge unread-count\">1</span>");
}

async fn json_api_lists_and_marks_own_notifications(app: TestApp) {
    let student = app.create_user(Role::Student, "api-s@example.test").await;
    let other = app.create_user(Role::Student, "api-o@example.test").await;
    for i in 0..22 {
        notify(&app, &student, &format!("Exam {i}")).await;
    }
    notify(&app, &other, "Other").await;
    let token = app.token_for(&student).await;
    let c = app.client();
    c.api_get("/api/v1/notifications", None).await.assert_status(StatusCode::UNAUTHORIZED);
    let page1 = c.api_get("/api/v1/notifications", Some(&token)).await.json();
    assert_eq!((page1["total"].as_i64(), page1["unread"].as_i64()), (Some(22), Some(22)));
    assert_eq!(page1["notifications"].as_array().expect("list").len(), 20);
    let page2 = c.api_get("/api/v1/notifications?page=2", Some(&token)).await.json();
    assert_eq!(page2["notifications"].as_array().expect("list").len(), 2);
    let first = page1["notifications"][0]["id"].as_str().expect("id").to_owned();
    let res = c.json(Method::POST, &format!("/api/v1/notifications/{first}/read"), json!({}), Some(&token)).await;
    res.assert_status(StatusCode::OK);
    assert_eq!(res.json()["read"], true);
    let other_id = own_ids(&app, &other).await.remove(0);
    c.json(Method::POST, &format!("/api/v1/notifications/{other_id}/read"), json!({}), Some(&token))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let all = c.json(Method::POST, "/api/v1/notifications/read-all", json!({}), Some(&token)).await;
    assert_eq!(all.json()["marked"], 21);
    let after = c.api_get("/api/v1/notifications", Some(&token)).await.json();
    assert_eq!(after["unread"], 0);
    let other_token = app.token_for(&other).await;
    assert_eq!(c.api_get("/api/v1/notifications", Some(&other_token)).await.json()["unread"], 1);
    let spec = c.api_get("/api/v1/openapi.json", None).await;
    spec.assert_status(StatusCode::OK).assert_contains("/api/v1/notifications/read-all");
}

/// Reads the stream until a `bell` event arrives (or the timeout elapses).
async fn next_bell(body: &mut Body) -> String {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame()).await.expect("a bell event in time");
        let frame = frame.expect("stream open").expect("frame");
        if let Some(data) = frame.data_ref() {
            text.push_str(&String::from_utf8_lossy(data));
            if text.contains("event: bell") && text.contains("\n\n") {
                return text;
            }
        }
    }
}

async fn live_stream_pushes_the_bell(app: TestApp) {
    let (client, student) = app.login_as(Role::Student).await;
    let cookie = client.session_cookie().expect("cookie");
    let req = Request::get("/notifications/stream").header(header::COOKIE, cookie).body(Body::empty()).expect("req");
    let res = app.router.clone().oneshot(req).await.expect("response");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE].to_str().expect("ct").starts_with("text/event-stream"));
    let mut body = res.into_body();
    let first = next_bell(&mut body).await;
    assert!(first.contains("id=\"bell\"") && !first.contains("unread-count"), "{first}");
    notify(&app, &student, "Live exam").await;
    let second = next_bell(&mut body).await;
    assert!(second.contains("<span class=\"badge unread-count\">1</span>"), "{second}");
}
