//! The in-process relay: delivery once per event, failures kept and retried, claims between
//! replicas, rows committed while no relay ran.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use proctorwise::events::relay::{InProcessSink, Pass, Relay, Sink};
use proctorwise::events::{EventEnvelope, handle_once};

use super::{Counter, eventually, fast, outbox_state, record_events};
use crate::dual;
use crate::helpers::TestApp;

dual!(
    in_process_relay_delivers_each_event_once,
    failing_handler_keeps_events_pending_until_it_recovers,
    rows_committed_while_no_relay_ran_are_published_later,
    replicas_never_publish_a_row_twice,
);

fn in_process(app: &TestApp, counter: &Arc<Counter>) -> Relay {
    let sink = InProcessSink::new(app.state.db.clone(), vec![counter.as_handler()]);
    Relay::new(app.state.db.clone(), Arc::new(sink), fast())
}

async fn envelope(app: &TestApp, id: &str) -> EventEnvelope {
    let (event_type, version, occurred_at, aggregate_id, payload): (String, i64, i64, String, proctorwise::db::DbText) =
        sqlx::query_as("SELECT event_type, version, occurred_at, aggregate_id, payload FROM outbox WHERE id = ?")
            .bind(id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("outbox row");
    let payload = serde_json::from_str(&payload.0).expect("payload JSON");
    EventEnvelope { id: id.to_owned(), event_type, version, occurred_at, aggregate_id, payload }
}

async fn in_process_relay_delivers_each_event_once(app: TestApp) {
    let ids = record_events(&app, 25).await;
    let counter = Counter::new();
    counter.expect(&ids);
    let relay = in_process(&app, &counter);
    // Batches of 10, oldest first: 10 + 10 + 5, then nothing left.
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(relay.run_once().await.expect("pass").published);
    }
    assert_eq!(seen, [10, 10, 5, 0]);
    assert_eq!(outbox_state(&app).await, (0, 0));
    for id in &ids {
        assert_eq!(counter.count(id), 1, "event {id}");
    }
    // A redelivery (a broker or a relay may deliver twice) has no second effect.
    let again = envelope(&app, &ids[3]).await;
    assert!(!handle_once(&app.state.db, counter.as_ref(), &again).await.expect("handle"));
    assert_eq!(counter.count(&ids[3]), 1);
    let (consumed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM consumed_events WHERE consumer = ?")
        .bind(counter.as_handler().name())
        .fetch_one(app.state.db.pool())
        .await
        .expect("count");
    assert_eq!(consumed, 25);
}

async fn failing_handler_keeps_events_pending_until_it_recovers(app: TestApp) {
    let ids = record_events(&app, 3).await;
    let counter = Counter::new();
    counter.expect(&ids);
    counter.fail.store(true, Ordering::SeqCst);
    let relay = in_process(&app, &counter);
    assert_eq!(relay.run_once().await.expect("pass"), Pass { published: 0, failed: 1 });
    assert_eq!(relay.run_once().await.expect("pass"), Pass { published: 0, failed: 1 });
    // The oldest row failed twice (the pass stops there, so later events keep their order).
    let rows: Vec<(i64, Option<proctorwise::db::DbText>, Option<i64>)> =
        sqlx::query_as("SELECT attempts, last_error, published_at FROM outbox ORDER BY attempts DESC")
            .fetch_all(app.state.db.pool())
            .await
            .expect("rows");
    assert_eq!(rows.iter().map(|r| (r.0, r.2)).collect::<Vec<_>>(), [(2, None), (0, None), (0, None)]);
    assert!(rows[0].1.as_ref().expect("last_error").0.contains("handler is down"));
    assert_eq!(outbox_state(&app).await, (3, 2), "nothing published, nothing lost");
    assert_eq!(counter.handled(), 0, "a failed handler's transaction rolled back");

    counter.fail.store(false, Ordering::SeqCst);
    assert_eq!(relay.run_once().await.expect("pass"), Pass { published: 3, failed: 0 });
    assert_eq!(outbox_state(&app).await.0, 0);
    for id in &ids {
        assert_eq!(counter.count(id), 1);
    }
}

async fn rows_committed_while_no_relay_ran_are_published_later(app: TestApp) {
    // The server "crashed" after these commits and before any publication.
    let ids = record_events(&app, 30).await;
    assert_eq!(outbox_state(&app).await, (30, 0));
    let counter = Counter::new();
    counter.expect(&ids);
    // What `server::serve` starts (no KAFKA_BROKERS: the in-process sink).
    let tasks = proctorwise::events::start(app.state.db.clone(), &app.state.config, fast(), vec![counter.as_handler()])
        .expect("start");
    eventually(Duration::from_secs(20), "30 events handled", || async { counter.handled() == 30 }).await;
    eventually(Duration::from_secs(5), "outbox drained", || async { outbox_state(&app).await.0 == 0 }).await;
    // Later changes flow too, while the relay keeps running.
    let more = record_events(&app, 5).await;
    counter.expect(&more);
    eventually(Duration::from_secs(20), "35 events handled", || async { counter.handled() == 35 }).await;
    assert!(tasks.shutdown(Duration::from_secs(10)).await, "the relay stopped when asked");
    assert!(ids.iter().chain(&more).all(|id| counter.count(id) == 1));
}

/// Counts publications per event id, across relays.
struct CountingSink(Mutex<HashMap<String, usize>>);

#[async_trait]
impl Sink for CountingSink {
    fn name(&self) -> &'static str {
        "counting"
    }

    async fn publish(&self, events: &[EventEnvelope]) -> Vec<Result<(), String>> {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let mut map = self.0.lock().expect("lock");
        events
            .iter()
            .map(|e| {
                *map.entry(e.id.clone()).or_default() += 1;
                Ok(())
            })
            .collect()
    }
}

async fn replicas_never_publish_a_row_twice(app: TestApp) {
    let ids = record_events(&app, 60).await;
    let sink = Arc::new(CountingSink(Mutex::default()));
    let replicas: Vec<_> = (0..3)
        .map(|_| {
            let relay = Relay::new(app.state.db.clone(), sink.clone(), fast());
            tokio::spawn(async move {
                let mut total = 0;
                loop {
                    let pass = relay.run_once().await.expect("pass");
                    total += pass.published;
                    if pass.published == 0 {
                        return total;
                    }
                }
            })
        })
        .collect();
    let mut totals = Vec::new();
    for replica in replicas {
        totals.push(replica.await.expect("replica"));
    }
    assert_eq!(totals.iter().sum::<usize>(), 60, "per replica: {totals:?}");
    assert_eq!(outbox_state(&app).await.0, 0);
    let map = sink.0.lock().expect("lock");
    assert!(ids.iter().all(|id| map.get(id) == Some(&1)), "each row published exactly once");
}
