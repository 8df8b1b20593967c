//! Measures the outbox relay against a Kafka-protocol broker (e.g. `deploy/lib/kafka.sh start`):
//! throughput (events/s from a full outbox to broker acknowledgements) and end-to-end latency
//! (commit → consumer-group consumer receives it, p50/p95).
//!
//! `cargo run -p proctorwise --release --example relay_bench -- [broker] [events] [latency-samples] [tick-ms]`
//! (defaults: $PROCTORWISE_TEST_KAFKA or 127.0.0.1:19092, 5000, 200, the relay's default tick).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use proctorwise::config::default_sqlite_url;
use proctorwise::db::Db;
use proctorwise::events::kafka::{KafkaSink, TopicSettings};
use proctorwise::events::payloads::{ExamCancelled, ExamScheduled};
use proctorwise::events::relay::{Relay, RelayConfig};
use proctorwise::events::{EventType, Payload, record};
use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message};
use tokio::sync::{mpsc, watch};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let brokers = args
        .first()
        .cloned()
        .or_else(|| std::env::var("PROCTORWISE_TEST_KAFKA").ok())
        .unwrap_or_else(|| "127.0.0.1:19092".into());
    let events: usize = args.get(1).map_or(Ok(5000), |a| a.parse())?;
    let samples: usize = args.get(2).map_or(Ok(200), |a| a.parse())?;
    let mut config = RelayConfig::default();
    if let Some(tick) = args.get(3) {
        config.tick = Duration::from_millis(tick.parse()?);
    }
    let dir = tempfile::tempdir()?;
    let db = Db::connect(&default_sqlite_url(dir.path())).await?;
    db.migrate().await?;
    let topics = TopicSettings { partitions: 3, replication: 1 };
    let sink = || KafkaSink::new(&brokers, topics.clone(), Duration::from_secs(10));
    println!("broker {brokers}, SQLite outbox, relay batch {}, tick {:?}", config.batch, config.tick);

    // 1. Throughput: a full outbox drained by one relay.
    for _ in 0..events {
        record_one(&db, EventType::ExamScheduled).await?;
    }
    let relay = Relay::new(db.clone(), Arc::new(sink()?), config.clone());
    relay.run_once().await?; // creates the topics and connects (not timed)
    let started = Instant::now();
    let mut published = 0;
    loop {
        let pass = relay.run_once().await?;
        anyhow::ensure!(pass.failed == 0, "publication failed during the benchmark");
        if pass.published == 0 {
            break;
        }
        published += pass.published;
    }
    let secs = started.elapsed().as_secs_f64();
    tokio::task::spawn_blocking(move || drop(relay)).await?;
    println!("throughput: {published} events relayed in {secs:.2} s = {:.0} events/s", published as f64 / secs);

    // 2. Latency: commit → received by a consumer-group consumer, with the relay running.
    let (tx, mut rx) = mpsc::unbounded_channel::<(String, Instant)>();
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &brokers)
        .set("group.id", format!("bench-{}", uuid::Uuid::new_v4().simple()))
        .set("auto.offset.reset", "latest")
        .set("enable.auto.commit", "false")
        .set("fetch.wait.max.ms", "10")
        .create()?;
    consumer.subscribe(&["exam_cancelled"])?;
    let (stop, stopped) = watch::channel(false);
    let mut reader_stop = stopped.clone();
    let reader = tokio::spawn(async move {
        loop {
            let received = tokio::select! {
                _ = reader_stop.wait_for(|s| *s) => break,
                received = consumer.recv() => received,
            };
            let Ok(message) = received else { continue };
            let id = message
                .headers()
                .and_then(|h| h.iter().find(|h| h.key == "event_id").and_then(|h| h.value))
                .map(|v| String::from_utf8_lossy(v).into_owned());
            if let Some(id) = id {
                let _ = tx.send((id, Instant::now()));
            }
        }
        // Leaving the group blocks: not on an async worker.
        let _ = tokio::task::spawn_blocking(move || drop(consumer)).await;
    });
    let running = tokio::spawn(Relay::new(db.clone(), Arc::new(sink()?), config.clone()).run(stopped));
    // Warm up until the consumer group has joined and sees new events.
    let joined = Instant::now();
    loop {
        let id = record_one(&db, EventType::ExamCancelled).await?;
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut seen = false;
        while let Ok(Some((got, _))) = tokio::time::timeout_at(deadline.into(), rx.recv()).await {
            if got == id {
                seen = true;
                break;
            }
        }
        if seen {
            break;
        }
        anyhow::ensure!(joined.elapsed() < Duration::from_secs(60), "the consumer never received anything");
    }
    println!("consumer group ready after {:.1} s", joined.elapsed().as_secs_f64());
    let mut committed = HashMap::new();
    for _ in 0..samples {
        let id = record_one(&db, EventType::ExamCancelled).await?;
        committed.insert(id, Instant::now());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut latencies = Vec::with_capacity(samples);
    let deadline = Instant::now() + Duration::from_secs(60);
    while latencies.len() < samples {
        let (id, at) = tokio::time::timeout_at(deadline.into(), rx.recv())
            .await
            .context("timed out waiting for the latency samples")?
            .context("reader stopped")?;
        if let Some(sent) = committed.remove(&id) {
            latencies.push(at.duration_since(sent).as_secs_f64() * 1000.0);
        }
    }
    stop.send_replace(true);
    running.await?;
    reader.await?;
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1];
    println!(
        "latency commit → consumer over {samples} events: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        pct(0.50),
        pct(0.95),
        pct(1.0)
    );
    db.close().await;
    Ok(())
}

/// One committed state change with its event.
async fn record_one(db: &Db, event_type: EventType) -> anyhow::Result<String> {
    let mut tx = db.pool().begin().await?;
    let aggregate = uuid::Uuid::new_v4().to_string();
    let payload: Payload = match event_type {
        EventType::ExamCancelled => ExamCancelled { booking_id: aggregate.clone(), ..Default::default() }.into(),
        _ => ExamScheduled { booking_id: aggregate.clone(), ..Default::default() }.into(),
    };
    let id = record(&mut tx, &aggregate, payload).await?;
    tx.commit().await?;
    Ok(id)
}
