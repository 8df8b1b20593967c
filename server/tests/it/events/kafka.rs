//! The relay and the consumer groups against a real Kafka-protocol broker (tansu on loopback,
//! started by deploy/test.sh, which sets PROCTORWISE_TEST_KAFKA). With the variable set and the
//! broker unreachable these tests fail, as they do under deploy/test.sh without the variable;
//! elsewhere (plain `cargo test`) they print that they are skipped.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use proctorwise::db::DbText;
use proctorwise::events::EventEnvelope;
use proctorwise::events::kafka::{KafkaSink, TopicSettings};
use proctorwise::events::relay::Relay;
use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message};

use super::{Counter, eventually, fast, outbox_state, record_events};
use crate::dual;
use crate::helpers::{TestApp, services};

dual!(
    kafka_relay_publishes_committed_rows_with_key_headers_and_json,
    kafka_broker_outage_loses_nothing,
    kafka_relay_recreates_the_topics_a_broker_lost,
);

/// The suite's broker, or `None` when the variable is unset outside deploy/test.sh (see
/// [`services::required`]).
#[track_caller]
pub(crate) fn test_kafka() -> Option<String> {
    let [addr] = services::required("a Kafka broker (tansu)", ["PROCTORWISE_TEST_KAFKA"])?;
    let socket = addr.parse().unwrap_or_else(|e| panic!("PROCTORWISE_TEST_KAFKA={addr:?} is not host:port: {e}"));
    if let Err(e) = std::net::TcpStream::connect_timeout(&socket, Duration::from_secs(3)) {
        panic!("PROCTORWISE_TEST_KAFKA={addr} is set but the broker is unreachable: {e}");
    }
    Some(addr)
}

async fn outbox_envelopes(app: &TestApp) -> HashMap<String, EventEnvelope> {
    let rows: Vec<(String, String, i64, i64, String, DbText)> =
        sqlx::query_as("SELECT id, event_type, version, occurred_at, aggregate_id, payload FROM outbox")
            .fetch_all(app.state.db.pool())
            .await
            .expect("outbox");
    rows.into_iter()
        .map(|(id, event_type, version, occurred_at, aggregate_id, payload)| {
            let payload = serde_json::from_str(&payload.0).expect("payload JSON");
            (id.clone(), EventEnvelope { id, event_type, version, occurred_at, aggregate_id, payload })
        })
        .collect()
}

fn header(message: &impl Message, key: &str) -> Option<String> {
    let headers = message.headers()?;
    headers.iter().find(|h| h.key == key).and_then(|h| h.value).map(|v| String::from_utf8_lossy(v).into_owned())
}

async fn kafka_relay_publishes_committed_rows_with_key_headers_and_json(app: TestApp) {
    let Some(brokers) = test_kafka() else { return };
    // Committed while no relay ran (as after a crash between commit and publication).
    let ids = record_events(&app, 12).await;
    let relay = kafka_relay(&app, &brokers, Duration::from_secs(10));
    drain(&app, &relay, Duration::from_secs(20)).await;
    assert_eq!(outbox_state(&app).await, (0, 0), "published at the first attempt");
    let seen = read_back(&brokers, &outbox_envelopes(&app).await, &ids).await;
    assert!(ids.iter().all(|id| seen.get(id) == Some(&1)), "{seen:?}");
    // As the server does: librdkafka clients are destroyed on a blocking thread, not a worker.
    tokio::task::spawn_blocking(move || drop(relay)).await.expect("drop the kafka clients");
}

pub(crate) fn kafka_relay(app: &TestApp, brokers: &str, timeout: Duration) -> Relay {
    let sink = KafkaSink::new(brokers, TopicSettings { partitions: 3, replication: 1 }, timeout).expect("producer");
    Relay::new(app.state.db.clone(), Arc::new(sink), fast())
}

/// Runs relay passes until the outbox is empty (failed passes allowed for `within`).
pub(crate) async fn drain(app: &TestApp, relay: &Relay, within: Duration) {
    let started = Instant::now();
    while outbox_state(app).await.0 > 0 {
        let pass = relay.run_once().await.expect("pass");
        if pass.failed > 0 && started.elapsed() >= within {
            let (error,): (Option<String>,) =
                sqlx::query_as("SELECT MAX(last_error) FROM outbox WHERE published_at IS NULL")
                    .fetch_one(app.state.db.pool())
                    .await
                    .expect("last error");
            panic!("publication keeps failing: {pass:?}, {error:?}");
        }
        if pass.failed > 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// Reads `ids` back from `exam_scheduled` with an independent consumer group, checking key,
/// headers and value against `expected`; returns how many times each was read.
async fn read_back(brokers: &str, expected: &HashMap<String, EventEnvelope>, ids: &[String]) -> HashMap<String, usize> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("readback-{}", uuid::Uuid::new_v4().simple()))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    consumer.subscribe(&["exam_scheduled"]).expect("subscribe");
    let mut seen = HashMap::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ids.iter().all(|id| seen.contains_key(id)) {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = tokio::time::timeout(left, consumer.recv())
            .await
            .unwrap_or_else(|_| panic!("only {} of {} events read back", seen.len(), ids.len()))
            .expect("receive")
            .detach();
        let Some(id) = header(&message, "event_id") else { continue };
        let Some(want) = expected.get(&id) else { continue }; // another test's event
        let key = message.key().map(|k| String::from_utf8_lossy(k).into_owned());
        assert_eq!(key.as_deref(), Some(want.aggregate_id.as_str()), "key = aggregate id");
        assert_eq!(header(&message, "event_type").as_deref(), Some("exam_scheduled"));
        assert_eq!(header(&message, "version"), Some(want.version.to_string()));
        assert_eq!(message.topic(), "exam_scheduled");
        let got: EventEnvelope = serde_json::from_slice(message.payload().expect("value")).expect("envelope JSON");
        assert_eq!(&got, want);
        *seen.entry(id).or_insert(0) += 1;
    }
    tokio::task::spawn_blocking(move || drop(consumer)).await.expect("drop the consumer");
    seen
}

/// A private tansu for tests that stop and restart their broker (stopped on drop).
pub(crate) struct Broker {
    port: u16,
    run_dir: tempfile::TempDir,
}

impl Broker {
    pub(crate) fn new() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        Self { port, run_dir: tempfile::tempdir().expect("run dir") }
    }

    pub(crate) fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub(crate) fn script(&self, action: &str) {
        let script = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/lib/kafka.sh"));
        let out = Command::new(script)
            .arg(action)
            .env("KAFKA_TEST_PORT", self.port.to_string())
            .env("KAFKA_RUN_DIR", self.run_dir.path())
            .output()
            .expect("run deploy/lib/kafka.sh");
        assert!(out.status.success(), "kafka.sh {action} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.script("stop");
    }
}

async fn kafka_broker_outage_loses_nothing(app: TestApp) {
    if test_kafka().is_none() {
        return;
    }
    let broker = Broker::new();
    broker.script("start");
    let counter = Counter::new();
    let mut config = (*app.state.config).clone();
    config.kafka_brokers = Some(broker.addr());
    let tasks = proctorwise::events::start(app.state.db.clone(), &config, fast(), vec![counter.as_handler()])
        .expect("start the relay and the consumer");
    // The relay and the consumer stop (clients closed, awaited) before the broker does, also when
    // an assertion fails: no librdkafka client may outlive the test still tearing down.
    let outcome = AssertUnwindSafe(outage(&app, &broker, &counter)).catch_unwind().await;
    let stopped = tasks.shutdown(Duration::from_secs(60)).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    assert!(stopped, "the relay and the consumer stopped when asked");
    let (consumed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM consumed_events WHERE consumer = ?")
        .bind(counter.as_handler().name())
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(consumed, 105);
}

/// 5 events, the broker stops, 100 events, the broker runs again: every event handled once.
async fn outage(app: &TestApp, broker: &Broker, counter: &Counter) {
    let first = record_events(app, 5).await;
    counter.expect(&first);
    eventually(Duration::from_secs(60), "5 events through Kafka", || async { counter.handled() == 5 }).await;

    // Frozen, not killed: a real broker comes back with its log; a killed tansu (memory storage)
    // comes back empty, which `kafka_relay_recreates_the_topics_a_broker_lost` covers.
    broker.script("pause");
    let during = record_events(app, 100).await;
    counter.expect(&during);
    eventually(Duration::from_secs(30), "failed attempts recorded while the broker is down", || async {
        outbox_state(app).await.1 >= 2
    })
    .await;
    let (pending, _) = outbox_state(app).await;
    assert_eq!(pending, 100, "nothing published, nothing dropped");
    let (with_error,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL AND last_error IS NOT NULL")
            .fetch_one(app.state.db.pool())
            .await
            .expect("count");
    assert!(with_error > 0);

    broker.script("resume");
    eventually(Duration::from_secs(120), "the 100 events handled after the outage", || async {
        counter.handled() == 105
    })
    .await;
    eventually(Duration::from_secs(10), "outbox drained", || async { outbox_state(app).await.0 == 0 }).await;
    tokio::time::sleep(Duration::from_secs(1)).await; // time for a (wrong) duplicate to show
    for id in first.iter().chain(&during) {
        assert_eq!(counter.count(id), 1, "event {id} handled exactly once");
    }
}

/// A broker killed and started again comes back empty (tansu keeps everything in memory): the
/// relay fails while it is down, then creates the topics again and publishes everything. No
/// consumer group runs across the restart: librdkafka (2.12) crashes a consumer that fetches a
/// topic the broker no longer has from tansu (see README, Events).
async fn kafka_relay_recreates_the_topics_a_broker_lost(app: TestApp) {
    if test_kafka().is_none() {
        return;
    }
    let broker = Broker::new();
    broker.script("start");
    let relay = kafka_relay(&app, &broker.addr(), Duration::from_secs(2));
    record_events(&app, 3).await;
    drain(&app, &relay, Duration::from_secs(20)).await;

    broker.script("stop");
    let ids = record_events(&app, 10).await;
    let pass = relay.run_once().await.expect("pass");
    assert_eq!((pass.published, pass.failed), (0, 10), "nothing published while the broker is down");
    broker.script("start"); // same port, no topics
    drain(&app, &relay, Duration::from_secs(60)).await;
    let seen = read_back(&broker.addr(), &outbox_envelopes(&app).await, &ids).await;
    assert!(ids.iter().all(|id| seen.get(id) == Some(&1)), "{seen:?}");
    assert_eq!(seen.len(), ids.len(), "only the events committed after the restart are on the new broker");
    tokio::task::spawn_blocking(move || drop(relay)).await.expect("drop the kafka clients");
}
