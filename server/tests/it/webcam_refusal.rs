//! A camera refused on the consent page: one critical `webcam_disabled` anomaly per booking,
//! its `anomaly_detected` event, on the proctor's panel; the start stays blocked; the reason is
//! cleaned and bounded; the attempt, once started, adopts the refusal's session.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::attempts::queries;
use proctorwise::db::DbText;
use proctorwise::events::EventType;
use proctorwise::exams::model::ReleaseMode;
use serde_json::Value;

use crate::dual;
use crate::exam_scenario::Scenario;
use crate::helpers::TestApp;
use crate::monitoring::outbox;
use crate::notifications::{deliver, notices};

dual!(
    a_refusal_is_a_critical_anomaly_proctors_see_once_per_booking,
    the_reason_is_cleaned_and_bounded,
    the_attempt_adopts_the_refusal_and_keeps_its_own_session,
    only_the_student_of_an_unstarted_booking_records_a_refusal,
);

/// (session id, attempt id, status, risk) of the booking's refusal session.
async fn refusal_session(app: &TestApp, booking_id: &str) -> Option<(String, Option<String>, String, i64)> {
    sqlx::query_as("SELECT id, attempt_id, status, risk_score FROM monitoring_sessions WHERE booking_id = ?")
        .bind(booking_id)
        .fetch_optional(app.state.db.pool())
        .await
        .expect("session")
}

/// (kind, severity, method, started_at, ended_at, details) of a session's anomalies.
async fn anomalies(app: &TestApp, session_id: &str) -> Vec<(String, String, String, i64, Option<i64>, Value)> {
    let rows: Vec<(String, String, String, i64, Option<i64>, DbText)> = sqlx::query_as(
        "SELECT kind, severity, method, started_at, ended_at, details FROM monitoring_anomalies WHERE session_id = ?",
    )
    .bind(session_id)
    .fetch_all(app.state.db.pool())
    .await
    .expect("anomalies");
    rows.into_iter().map(|r| (r.0, r.1, r.2, r.3, r.4, serde_json::from_str(&r.5.0).expect("details"))).collect()
}

async fn refuse(s: &Scenario, reason: &str) {
    let res =
        s.student_client.post_form(&format!("/bookings/{}/webcam-refused", s.booking_id), &[("reason", reason)]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), format!("/bookings/{}/start?refused=1", s.booking_id));
}

async fn a_refusal_is_a_critical_anomaly_proctors_see_once_per_booking(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let (proctor, proctor_user) = app.login_as(Role::Proctor).await;
    proctor.get("/proctor").await.assert_status(StatusCode::OK);
    refuse(&s, "NotAllowedError").await;
    let (session_id, attempt_id, status, risk) = refusal_session(&app, &s.booking_id).await.expect("a session");
    assert_eq!((attempt_id, status.as_str(), risk), (None, "stopped", 30), "no attempt, nothing watched, critical");
    let got = anomalies(&app, &session_id).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let (kind, severity, method, started, ended, details) = &got[0];
    assert_eq!((kind.as_str(), severity.as_str(), method.as_str()), ("webcam_disabled", "critical", "rule"));
    assert_eq!(*ended, Some(*started), "an instant, not an episode left open");
    assert_eq!((details["reason"].as_str(), details["refusals"].as_i64()), (Some("NotAllowedError"), Some(1)));
    let events = outbox(&app, "anomaly_detected").await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["anomaly_type"], "webcam_disabled");
    assert_eq!(events[0]["severity"], "critical");
    assert_eq!(events[0]["exam_id"], s.exam_id.as_str());
    assert_eq!(events[0]["student_id"], s.student.id.as_str());
    assert_eq!(events[0]["session_id"], session_id.as_str());
    // The proctor's panel lists it in the alerts feed.
    proctor.get("/proctor").await.assert_contains("Webcam disabled").assert_contains(&s.student.name);
    // Its session page opens before any attempt exists, and says why it ended.
    proctor
        .get(&format!("/proctor/sessions/{session_id}"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("camera refused before the start");
    // The proctors are notified, as of any critical anomaly.
    assert_eq!(deliver(&app, EventType::AnomalyDetected).await, 1);
    let told = notices(&app, &proctor_user).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].0, "critical_alert");

    // Refusing again (another click, another reload) adds no anomaly and no event: it counts.
    refuse(&s, "NotReadableError").await;
    let got = anomalies(&app, &session_id).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].5["reason"].as_str(), got[0].5["refusals"].as_i64()), (Some("NotReadableError"), Some(2)));
    assert_eq!(outbox(&app, "anomaly_detected").await.len(), 1);
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM monitoring_sessions WHERE booking_id = ?")
        .bind(&s.booking_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(sessions, 1);
    // The start stays blocked without a working camera.
    let start = format!("/bookings/{}/start", s.booking_id);
    s.student_client
        .post_form(&start, &[("consent", "on"), ("webcam", "")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(queries::get_by_booking(&app.state.db, &s.booking_id).await.expect("q").is_none(), "no attempt");
}

async fn the_reason_is_cleaned_and_bounded(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let raw = format!("Not\u{1b}[2J\nAllowed\r\u{0}{}", "x".repeat(400));
    refuse(&s, &raw).await;
    let (session_id, ..) = refusal_session(&app, &s.booking_id).await.expect("a session");
    let reason = anomalies(&app, &session_id).await[0].5["reason"].as_str().expect("reason").to_owned();
    assert!(reason.starts_with("Not[2JAllowedxxx"), "{reason}");
    assert_eq!(reason.chars().count(), 200);
    assert!(!reason.chars().any(char::is_control));
    let events = queries::events(&app.state.db, &s.booking_id).await.expect("events");
    assert_eq!(events[0].1, reason, "the booking's event keeps the same cleaned reason");
}

async fn the_attempt_adopts_the_refusal_and_keeps_its_own_session(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    refuse(&s, "NotAllowedError").await;
    let (refusal_id, ..) = refusal_session(&app, &s.booking_id).await.expect("a session");
    // The student allows the camera and starts.
    let attempt_id = s.start().await;
    let (_, adopted, status, _) = refusal_session(&app, &s.booking_id).await.expect("a session");
    assert_eq!((adopted.as_deref(), status.as_str()), (Some(attempt_id.as_str()), "stopped"));
    let page = s.student_client.get(&format!("/attempts/{attempt_id}/q/1")).await;
    page.assert_status(StatusCode::OK).assert_contains("data-monitor-frames=\"/monitoring/sessions/");
    assert!(!page.body.contains(&refusal_id), "frames go to the attempt's own active session");
    let active: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM monitoring_sessions WHERE attempt_id = ? AND status = 'active'")
            .bind(&attempt_id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("count");
    assert_eq!(active, 1);
    // Once started, the consent page is gone: a late refusal is only a booking event.
    refuse(&s, "NotAllowedError").await;
    assert_eq!(anomalies(&app, &refusal_id).await[0].5["refusals"].as_i64(), Some(1));
}

async fn only_the_student_of_an_unstarted_booking_records_a_refusal(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let (other, _) = app.login_as(Role::Student).await;
    let res = other.post_form(&format!("/bookings/{}/webcam-refused", s.booking_id), &[("reason", "x")]).await;
    res.assert_status(StatusCode::NOT_FOUND);
    assert!(refusal_session(&app, &s.booking_id).await.is_none());
    assert!(outbox(&app, "anomaly_detected").await.is_empty());
}
