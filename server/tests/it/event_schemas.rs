//! Every payload the application writes matches its versioned type, and every type round-trips
//! (JSON and the outbox) unchanged.

use axum::http::StatusCode;
use proctorwise::bookings::service as bookings;
use proctorwise::db::{DbText, now_ms};
use proctorwise::events::payload::{Field, Kind};
use proctorwise::events::{CATALOGUE, Event, EventEnvelope, Payload, Unreadable, record, schema};
use proctorwise::exams::model::ReleaseMode;
use proctorwise::exams::queries;
use serde_json::{Value, json};

use crate::dual;
use crate::exam_scenario::Scenario;
use crate::helpers::{PASSWORD, TestApp};

dual!(every_written_payload_matches_its_schema, every_event_type_round_trips_through_the_outbox);

async fn every_written_payload_matches_its_schema(app: TestApp) {
    // Fast monitoring rules on a manual clock, so that anomalies and a high-risk alert happen
    // within the test.
    let app = crate::monitoring::fast_app(app.backend).await;
    let _workers = crate::monitoring::start_workers(&app, crate::monitoring::SceneAnalyzer);
    // Booked (exam_scheduled), taken (monitoring_started), submitted with an essay (exam_submitted,
    // manual_review_required, monitoring_stopped).
    let s = Scenario::new(&app, ReleaseMode::Manual).await;
    let attempt_id = s.start().await;
    s.answer_all(&attempt_id).await;
    // Watched: anomalies (anomaly_detected) and three criticals in a minute (high_risk_alert).
    let session_id: String = sqlx::query_scalar("SELECT id FROM monitoring_sessions WHERE attempt_id = ?")
        .bind(&attempt_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("session");
    let frames = format!("/monitoring/sessions/{session_id}/frames");
    let c = &s.student_client;
    crate::monitoring::post_frame(c, &frames, 1, &[0.9, 0.9], &[], true).await.assert_status(StatusCode::ACCEPTED);
    let events = format!("/monitoring/sessions/{session_id}/events");
    c.post_json_csrf(&events, serde_json::json!({"kind": "webcam_disabled", "at": 1}))
        .await
        .assert_status(StatusCode::ACCEPTED);
    // The server watches the episode: the next pictures show it end, then a second one begin.
    crate::monitoring::post_frame(c, &frames, 2, &[0.9], &[], true).await.assert_status(StatusCode::ACCEPTED);
    // Once the server has verified the flagged picture, the cooldown passes.
    let db = app.state.db.clone();
    crate::monitoring::eventually("the flagged picture is verified", || {
        let (db, session_id) = (db.clone(), session_id.clone());
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ? AND verified_at IS NOT NULL",
            )
            .bind(session_id)
            .fetch_one(db.pool())
            .await
            .unwrap_or(0)
                >= 1
        }
    })
    .await;
    app.state.clock.advance(std::time::Duration::from_millis(350));
    crate::monitoring::post_frame(c, &frames, 3, &[0.9], &[], true).await.assert_status(StatusCode::ACCEPTED);
    crate::monitoring::post_frame(c, &frames, 4, &[0.9, 0.8], &[], true).await.assert_status(StatusCode::ACCEPTED);
    let db = app.state.db.clone();
    crate::monitoring::eventually("the high-risk alert is stored", || {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM monitoring_anomalies WHERE kind = 'high_risk_alert'")
                .fetch_one(db.pool())
                .await
                .unwrap_or(0)
                == 1
        }
    })
    .await;
    s.student_client.post_form(&format!("/attempts/{attempt_id}/submit"), &[("confirm", "yes")]).await;
    // Graded (grading_completed) and released (results_released).
    let teacher = app.client();
    teacher.login(&s.teacher.email, PASSWORD).await;
    let copy = teacher.get(&format!("/exams/{}/results/{attempt_id}", s.exam_id)).await.body;
    let form = copy.find("name=\"score\"").expect("essay form");
    let start = copy[..form].rfind("action=\"").expect("action") + 8;
    let url = copy[start..].split('"').next().expect("url").to_owned();
    teacher.post_form(&url, &[("score", "2")]).await.assert_status(StatusCode::SEE_OTHER);
    teacher.post_form(&format!("/exams/{}/results/release", s.exam_id), &[]).await.assert_status(StatusCode::SEE_OTHER);
    // Cancelled by a student, and by a slot removal (exam_cancelled twice).
    let db = &app.state.db;
    let later = queries::insert_slot(db, &s.exam_id, now_ms() + 48 * 3_600_000, 3).await.expect("slot");
    let (_, other) = app.login_as(proctorwise::accounts::model::Role::Student).await;
    let booking = bookings::book(db, &other.id, &later).await.expect("db").expect("booked");
    bookings::cancel_by_student(db, &other.id, &booking).await.expect("db").expect("cancelled");
    bookings::book(db, &other.id, &later).await.expect("db").expect("booked again");
    bookings::remove_slot(db, &later, &s.teacher.id).await.expect("removed");
    // Reminded before a slot that starts soon (exam_reminder).
    let soon = queries::insert_slot(db, &s.exam_id, now_ms() + 30 * 60_000, 3).await.expect("slot");
    bookings::book(db, &other.id, &soon).await.expect("db").expect("booked soon");
    let leads = proctorwise::bookings::reminders::Leads::standard();
    assert!(proctorwise::bookings::reminders::send_due(db, &leads, now_ms()).await.expect("reminders") >= 1);

    let rows: Vec<(String, i64, DbText)> =
        sqlx::query_as("SELECT event_type, version, payload FROM outbox").fetch_all(db.pool()).await.expect("outbox");
    let mut seen = std::collections::BTreeSet::new();
    for (event_type, version, payload) in &rows {
        let value: serde_json::Value = serde_json::from_str(&payload.0).expect("JSON payload");
        if let Err(e) = schema::validate(event_type, *version, &value) {
            panic!("{e}\npayload: {value}");
        }
        seen.insert(event_type.clone());
    }
    let expected: std::collections::BTreeSet<String> =
        CATALOGUE.iter().map(|spec| spec.event_type.as_str().to_owned()).collect();
    assert_eq!(seen, expected, "every event type was produced and checked");
}

/// A payload with every declared field set (distinct values, lists of two).
fn sample(fields: &[Field], seed: &str) -> Value {
    let each = fields.iter().zip(1_i64..).map(|(field, n)| {
        let value = match field.kind {
            Kind::Str => json!(format!("{seed}-{}", field.name)),
            Kind::Int => json!(1_700_000_000_000 + n),
            Kind::Bool => json!(n % 2 == 0),
            Kind::List(inner) => json!([sample(inner, "first"), sample(inner, "second")]),
        };
        (field.name.to_owned(), value)
    });
    Value::Object(each.collect())
}

async fn every_event_type_round_trips_through_the_outbox(app: TestApp) {
    let db = &app.state.db;
    for spec in CATALOGUE {
        let name = spec.event_type.as_str();
        let json = sample(spec.fields, name);
        let payload = Payload::read(name, spec.version, &json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(serde_json::to_value(&payload).expect("JSON"), json, "{name}: every field, no other");
        assert_eq!((payload.event_type(), payload.version()), (spec.event_type, spec.version));
        let newer = Payload::read(name, spec.version + 1, &json);
        assert!(matches!(newer, Err(Unreadable::Version { .. })), "{name}: unknown version refused");

        let mut tx = db.pool().begin().await.expect("begin");
        let id = record(&mut tx, "aggregate", payload.clone()).await.expect("record");
        tx.commit().await.expect("commit");
        let (event_type, version, occurred_at, stored): (String, i64, i64, DbText) =
            sqlx::query_as("SELECT event_type, version, occurred_at, payload FROM outbox WHERE id = ?")
                .bind(&id)
                .fetch_one(db.pool())
                .await
                .expect("outbox row");
        let envelope = EventEnvelope {
            id: id.clone(),
            event_type,
            version,
            occurred_at,
            aggregate_id: "aggregate".into(),
            payload: serde_json::from_str(&stored.0).expect("JSON payload"),
        };
        let wire: EventEnvelope =
            serde_json::from_str(&serde_json::to_string(&envelope).expect("JSON")).expect("envelope");
        let event = Event::read(&wire).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(event, Event { id, occurred_at, aggregate_id: "aggregate".into(), payload }, "{name}");
    }
}
