//! The event backbone: the outbox relay (in process and to a real Kafka-protocol broker), the
//! consumer groups, exactly-once handling, claims between replicas, and the relay lag.

mod dead_letters;
pub(crate) mod kafka;
mod lag;
mod relay;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use proctorwise::events::payloads::ExamScheduled;
use proctorwise::events::relay::RelayConfig;
use proctorwise::events::{Event, EventHandler, record};
use sqlx::AnyConnection;

use crate::helpers::TestApp;

/// A handler that counts, per event id, how many times its effect committed. It only counts the
/// events the test recorded (a shared broker also carries other tests' events) and can be told to fail.
pub struct Counter {
    name: &'static str,
    pub fail: AtomicBool,
    expected: Mutex<HashSet<String>>,
    counts: Mutex<HashMap<String, usize>>,
}

impl Counter {
    pub fn new() -> Arc<Self> {
        let name: &'static str = Box::leak(format!("test-{}", uuid::Uuid::new_v4().simple()).into_boxed_str());
        Arc::new(Self { name, fail: AtomicBool::new(false), expected: Mutex::default(), counts: Mutex::default() })
    }

    pub fn expect(&self, ids: &[String]) {
        self.expected.lock().expect("lock").extend(ids.iter().cloned());
    }

    /// How many times the effect of `id` committed.
    pub fn count(&self, id: &str) -> usize {
        self.counts.lock().expect("lock").get(id).copied().unwrap_or(0)
    }

    /// How many distinct expected events were handled.
    pub fn handled(&self) -> usize {
        let expected = self.expected.lock().expect("lock");
        self.counts.lock().expect("lock").keys().filter(|id| expected.contains(*id)).count()
    }

    pub fn as_handler(self: &Arc<Self>) -> Arc<dyn EventHandler> {
        self.clone()
    }
}

#[async_trait]
impl EventHandler for Counter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn wants(&self, event_type: &str) -> bool {
        event_type == "exam_scheduled" || event_type == "exam_cancelled"
    }

    async fn handle(&self, _tx: &mut AnyConnection, event: &Event) -> anyhow::Result<()> {
        if self.fail.load(Ordering::SeqCst) {
            anyhow::bail!("handler is down (test)");
        }
        assert!(!event.id.is_empty());
        Ok(())
    }

    async fn after_commit(&self, event: &Event) {
        // Counted whether or not the test has declared it yet: the relay may be faster.
        *self.counts.lock().expect("lock").entry(event.id.clone()).or_default() += 1;
    }
}

/// Records `n` events, each in its own committed transaction (like `bookings::service::book`).
pub async fn record_events(app: &TestApp, n: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let mut tx = app.state.db.pool().begin().await.expect("begin");
        let aggregate = uuid::Uuid::new_v4().to_string();
        let payload = ExamScheduled {
            booking_id: aggregate.clone(),
            exam_title: format!("{} n°{i}", "é".repeat(3)),
            ..Default::default()
        };
        ids.push(record(&mut tx, &aggregate, payload).await.expect("record"));
        tx.commit().await.expect("commit");
    }
    ids
}

/// Fast relay settings for tests.
pub fn fast() -> RelayConfig {
    RelayConfig {
        tick: Duration::from_millis(20),
        batch: 10,
        claim_for: Duration::from_secs(60),
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_millis(500),
        publish_timeout: Duration::from_secs(2),
    }
}

/// (pending rows, largest attempts count) of the outbox.
pub async fn outbox_state(app: &TestApp) -> (i64, i64) {
    let (pending,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")
        .fetch_one(app.state.db.pool())
        .await
        .expect("pending");
    let (attempts,): (i64,) = sqlx::query_as("SELECT CAST(COALESCE(MAX(attempts), 0) AS SIGNED) FROM outbox")
        .fetch_one(app.state.db.pool())
        .await
        .expect("attempts");
    (pending, attempts)
}

/// Polls `check` until it holds or `within` passes.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out after {within:?} waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
