//! Dead letters: events a consumer cannot read (a payload not matching its type, a version this
//! server does not know, a Kafka message that is not an event) are retried a bounded number of
//! times through the real relay or consumer group and handler, then parked, shown to admins
//! only, and no longer block later events.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::db::now_ms;
use proctorwise::events::dead_letter::{MAX_ATTEMPTS, list};
use proctorwise::events::payloads::ExamScheduled;
use proctorwise::events::relay::{InProcessSink, Relay};
use proctorwise::events::{EventEnvelope, record};
use rdkafka::ClientConfig;
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde_json::json;
use tokio::sync::watch;

use super::kafka::{Broker, drain, kafka_relay, test_kafka};
use super::{Counter, eventually, fast};
use crate::dual;
use crate::helpers::TestApp;
use crate::notifications::{handler, notices};

dual!(
    unreadable_events_are_parked_after_bounded_retries_and_shown_to_admins,
    kafka_consumer_parks_messages_it_cannot_read,
);

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
    let relay = Relay::new(db.clone(), Arc::new(InProcessSink::new(db.clone(), vec![Arc::new(handler(&app))])), fast());
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

/// Sends raw values to `exam_scheduled`, as a foreign producer could.
async fn produce_raw(brokers: &str, messages: &[(&str, String)]) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("message.timeout.ms", "10000")
        .create()
        .expect("producer");
    for (key, value) in messages {
        let record = FutureRecord::to("exam_scheduled").key(*key).payload(value);
        producer.send(record, Duration::from_secs(10)).await.map_err(|(e, _)| e).expect("produced");
    }
    tokio::task::spawn_blocking(move || drop(producer)).await.expect("drop the producer");
}

async fn kafka_consumer_parks_messages_it_cannot_read(app: TestApp) {
    if test_kafka().is_none() {
        return;
    }
    // A broker of its own: the consumer group reads every message of the topic from the start.
    let broker = Broker::new();
    broker.script("start");
    let brokers = broker.addr();
    let db = app.state.db.clone();
    let relay = kafka_relay(&app, &brokers, Duration::from_secs(10));
    let record_one = |aggregate: &'static str| {
        let db = db.clone();
        async move {
            let mut tx = db.pool().begin().await.expect("begin");
            let id = record(&mut tx, aggregate, ExamScheduled::default()).await.expect("record");
            tx.commit().await.expect("commit");
            id
        }
    };
    let before = record_one("before").await;
    drain(&app, &relay, Duration::from_secs(20)).await; // creates the topics
    let newer = EventEnvelope {
        id: uuid::Uuid::new_v4().to_string(),
        event_type: "exam_scheduled".into(),
        version: 2,
        occurred_at: now_ms(),
        aggregate_id: "v2-key".into(),
        payload: serde_json::to_value(ExamScheduled::default()).expect("JSON"),
    };
    let v2 = serde_json::to_string(&newer).expect("JSON");
    produce_raw(&brokers, &[("junk-key", "not an event".to_owned()), ("v2-key", v2)]).await;
    let after = record_one("after").await;
    drain(&app, &relay, Duration::from_secs(20)).await;
    tokio::task::spawn_blocking(move || drop(relay)).await.expect("drop the kafka clients");

    let counter = Counter::new();
    counter.expect(&[before.clone(), after.clone()]);
    let (stop, stopped) = watch::channel(false);
    let consumer = tokio::spawn(proctorwise::events::kafka::consume(
        brokers.clone(),
        db.clone(),
        counter.as_handler(),
        Duration::from_millis(20),
        Duration::from_millis(100),
        stopped,
    ));
    eventually(Duration::from_secs(60), "both unreadable messages parked, both events handled", || async {
        let parked = list(&db, 10).await.expect("dead letters").iter().filter(|l| l.parked_at.is_some()).count();
        parked == 2 && counter.handled() == 2
    })
    .await;
    stop.send_replace(true);
    consumer.await.expect("consumer task").expect("consumer");
    let letters = list(&db, 10).await.expect("dead letters");
    let junk = letters.iter().find(|l| l.message_key == "junk-key").expect("junk parked");
    assert!(junk.message_id.starts_with("exam_scheduled/"), "{}", junk.message_id);
    assert!(junk.error.contains("not an event envelope"), "{}", junk.error);
    assert_eq!((junk.payload.as_str(), junk.attempts), ("not an event", MAX_ATTEMPTS));
    let v2 = letters.iter().find(|l| l.message_id == newer.id).expect("v2 parked");
    assert!(v2.error.contains("unknown version 2"), "{}", v2.error);
    assert!(letters.iter().all(|l| l.consumer == counter.as_handler().name()));
    assert_eq!((counter.count(&before), counter.count(&after)), (1, 1));
}
