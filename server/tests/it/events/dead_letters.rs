//! Dead letters: events a consumer cannot read (a payload not matching its type, a version this
//! server does not know) are retried a bounded number of times through the real relay and the
//! notifications handler, then parked, shown to admins only, and no longer block later events.

use std::sync::Arc;

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::db::now_ms;
use proctorwise::events::dead_letter::{MAX_ATTEMPTS, list};
use proctorwise::events::payloads::ExamScheduled;
use proctorwise::events::record;
use proctorwise::events::relay::{InProcessSink, Relay};
use serde_json::json;

use super::fast;
use crate::dual;
use crate::helpers::TestApp;
use crate::notifications::{handler, notices};

dual!(unreadable_events_are_parked_after_bounded_retries_and_shown_to_admins);

/// Writes an outbox row as another (older or newer) producer could have, `age_ms` ago.
async fn foreign_row(app: &TestApp, id: &str, age_ms: i64, version: i64, payload: &serde_json::Value) {
    sqlx::query(
        "INSERT INTO outbox (id, event_type, version, occurred_at, aggregate_id, payload, attempts) \
         VALUES (?, 'exam_scheduled', ?, ?, ?, ?, 0)",
    )
    .bind(id)
    .bind(version)
    .bind(now_ms() - age_ms)
    .bind(format!("key-{id}"))
    .bind(payload.to_string())
    .execute(app.state.db.pool())
    .await
    .expect("outbox row");
}

async fn unreadable_events_are_parked_after_bounded_retries_and_shown_to_admins(app: TestApp) {
    let (student_client, student) = app.login_as(Role::Student).await;
    let malformed = uuid::Uuid::new_v4().to_string();
    foreign_row(&app, &malformed, 2_000, 1, &json!({"booking_id": "b", "student_id": student.id, "starts_at": "soon"}))
        .await;
    let newer = uuid::Uuid::new_v4().to_string();
    let v2 =
        serde_json::to_value(ExamScheduled { student_id: student.id.clone(), ..Default::default() }).expect("JSON");
    foreign_row(&app, &newer, 1_000, 2, &v2).await;
    // A readable event behind them: delivered once they are parked.
    let mut tx = app.state.db.pool().begin().await.expect("begin");
    let booked = ExamScheduled {
        student_id: student.id.clone(),
        exam_id: "x".into(),
        exam_title: "After the dead letters".into(),
        ..Default::default()
    };
    record(&mut tx, "booking-ok", booked).await.expect("record");
    tx.commit().await.expect("commit");

    let db = app.state.db.clone();
    let relay = Relay::new(db.clone(), Arc::new(InProcessSink::new(db.clone(), vec![Arc::new(handler())])), fast());
    let first = relay.run_once().await.expect("pass");
    assert_eq!((first.published, first.failed), (0, 1), "an unreadable event is an error, retried");
    let retrying = list(&db, 10).await.expect("dead letters");
    assert_eq!(retrying.len(), 1);
    assert_eq!((retrying[0].attempts, retrying[0].parked_at), (1, None), "not parked at the first failure");
    assert!(notices(&app, &student).await.is_empty(), "later events wait, in order");

    let mut passes = 1;
    loop {
        passes += 1;
        if relay.run_once().await.expect("pass").failed == 0 {
            break;
        }
        assert!(passes < 4 * MAX_ATTEMPTS, "still failing after {passes} passes");
    }
    // The first is parked at its 5th reading, in the pass where the second is read the 1st time.
    assert_eq!(passes, 2 * MAX_ATTEMPTS - 1, "each unreadable event is read {MAX_ATTEMPTS} times, then parked");
    let parked = list(&db, 10).await.expect("dead letters");
    assert_eq!(parked.len(), 2);
    for letter in &parked {
        assert_eq!(letter.attempts, MAX_ATTEMPTS);
        assert!(letter.parked_at.is_some());
        assert_eq!((letter.consumer.as_str(), letter.topic.as_str()), ("notifications", "exam_scheduled"));
        assert!(letter.first_seen_at <= letter.last_seen_at);
    }
    let error = |id: &str| parked.iter().find(|l| l.message_id == id).map(|l| l.error.clone()).expect("parked");
    assert!(error(&malformed).contains("payload does not match its type"), "{}", error(&malformed));
    assert!(error(&newer).contains("unknown version 2"), "{}", error(&newer));
    let after = notices(&app, &student).await;
    assert_eq!(after, vec![("exam_scheduled".to_owned(), "Exam booked: After the dead letters".to_owned())]);
    assert_eq!(relay.run_once().await.expect("pass").published, 0, "nothing left pending");

    let (admin, _) = app.login_as(Role::Admin).await;
    let page = admin.get("/admin/dead-letters").await;
    page.assert_status(StatusCode::OK)
        .assert_contains(&malformed)
        .assert_contains(&format!("key-{newer}"))
        .assert_contains("unknown version 2")
        .assert_contains("dead-letter-parked");
    let french = admin.get_with("/admin/dead-letters", &[("accept-language", "fr")]).await;
    french.assert_status(StatusCode::OK).assert_contains("Lettres mortes").assert_contains("Mise de côté");
    let (teacher, _) = app.login_as(Role::Teacher).await;
    for client in [&student_client, &teacher] {
        let refused = client.get("/admin/dead-letters").await;
        refused.assert_status(StatusCode::FORBIDDEN);
        assert!(!refused.body.contains(&malformed), "only admins see dead letters");
    }
}
