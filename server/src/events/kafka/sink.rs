//! The relay's Kafka sink: key = aggregate id, headers `event_id`, `event_type`, `version`,
//! value = the envelope's JSON, topic = the event type. A row counts as published only once the
//! broker acknowledged it (`acks=all`, idempotent producer).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use rdkafka::admin::AdminClient;
use rdkafka::client::DefaultClientContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use tokio::sync::Mutex;

use super::{TopicSettings, admin_client, base_config, create_topics};
use crate::events::drop_blocking;
use crate::events::envelope::EventEnvelope;
use crate::events::relay::Sink;

/// A new producer is made at most this often (a broker that keeps failing producers must not
/// make the sink create and destroy clients in a loop).
const NEW_PRODUCER_EVERY: Duration = Duration::from_secs(5);

/// After failed deliveries, the broker is asked (create the missing topics) at most this often.
const RECHECK_EVERY: Duration = Duration::from_secs(5);

/// Publishes events to Kafka with one idempotent producer and one admin client (for topics),
/// both kept for the sink's lifetime.
pub struct KafkaSink {
    brokers: String,
    topics: TopicSettings,
    timeout: Duration,
    admin: AdminClient<DefaultClientContext>,
    producer: Mutex<TimedProducer>,
    /// True until the topics were created (or found), and again when a delivery reports an
    /// unknown topic (a broker that came back empty): nothing is published before they exist.
    topics_missing: AtomicBool,
    /// Set by failed deliveries: the broker is asked again (see [`KafkaSink::ensure_topics`]).
    recheck_topics: AtomicBool,
    /// When the topics were last checked (also serializes the checks).
    topics_checked: Mutex<Instant>,
}

struct TimedProducer {
    client: FutureProducer,
    created: Instant,
}

impl KafkaSink {
    /// A sink for `brokers` (nothing is sent yet; the broker may be down).
    pub fn new(brokers: &str, topics: TopicSettings, timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self {
            admin: admin_client(brokers)?,
            producer: Mutex::new(new_producer(brokers, timeout)?),
            brokers: brokers.to_owned(),
            topics,
            timeout,
            topics_missing: AtomicBool::new(true),
            recheck_topics: AtomicBool::new(false),
            topics_checked: Mutex::new(Instant::now()),
        })
    }

    /// Creates the missing topics when they may be missing: at start, after a delivery reported
    /// an unknown topic, and (at most every [`RECHECK_EVERY`]) after failed deliveries, since a
    /// broker that lost its topics does not always say so (librdkafka reports a recently created
    /// topic that vanished as message time-outs). An error only if the topics are known to be
    /// missing; `Ok(true)` when a re-check after failed deliveries found the broker answering.
    async fn ensure_topics(&self) -> Result<bool, String> {
        let mut checked = self.topics_checked.lock().await;
        let missing = self.topics_missing.load(Ordering::Acquire);
        let recheck = self.recheck_topics.load(Ordering::Acquire) && checked.elapsed() >= RECHECK_EVERY;
        if !missing && !recheck {
            return Ok(false);
        }
        *checked = Instant::now();
        match create_topics(&self.admin, &self.topics, self.timeout).await {
            Ok(()) => {
                self.topics_missing.store(false, Ordering::Release);
                self.recheck_topics.store(false, Ordering::Release);
                Ok(recheck)
            }
            Err(e) if missing => Err(format!("kafka topics: {e:#}")),
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), "kafka broker still unreachable");
                Ok(false)
            }
        }
    }

    /// The producer to use now: a new one (if the last one was made long enough ago) when the
    /// current one hit a fatal error, or when `stuck`: deliveries failed while the broker
    /// answers. An idempotent producer whose broker lost its state (tansu in memory, restarted)
    /// bumps its epoch forever on "unknown producer id" without a fatal error.
    async fn usable_producer(&self, stuck: bool) -> Result<tokio::sync::MutexGuard<'_, TimedProducer>, String> {
        let mut producer = self.producer.lock().await;
        let fatal = producer.client.client().fatal_error();
        if fatal.is_none() && !stuck {
            return Ok(producer);
        }
        if producer.created.elapsed() < NEW_PRODUCER_EVERY {
            return match fatal {
                Some((code, reason)) => Err(format!("kafka producer: fatal error {code} ({reason})")),
                None => Ok(producer),
            };
        }
        match &fatal {
            Some((code, reason)) => {
                tracing::warn!(%code, reason, "kafka producer hit a fatal error; creating a new one")
            }
            None => tracing::warn!("kafka deliveries fail while the broker answers; creating a new producer"),
        }
        let fresh = new_producer(&self.brokers, self.timeout).map_err(|e| format!("kafka producer: {e:#}"))?;
        let old = std::mem::replace(&mut *producer, fresh);
        drop_blocking(old.client).await;
        Ok(producer)
    }

    /// Remembers to create the topics again if `error` says a topic is missing.
    fn note(&self, error: &KafkaError) -> String {
        if matches!(
            error.rdkafka_error_code(),
            Some(
                RDKafkaErrorCode::UnknownTopic
                    | RDKafkaErrorCode::UnknownTopicOrPartition
                    | RDKafkaErrorCode::UnknownPartition
            )
        ) {
            self.topics_missing.store(true, Ordering::Release);
        }
        format!("kafka delivery: {error}")
    }
}

fn new_producer(brokers: &str, timeout: Duration) -> anyhow::Result<TimedProducer> {
    let client = base_config(brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "5")
        .set("message.timeout.ms", timeout.as_millis().to_string())
        .create()?;
    Ok(TimedProducer { client, created: Instant::now() })
}

#[async_trait]
impl Sink for KafkaSink {
    fn name(&self) -> &'static str {
        "kafka"
    }

    async fn prepare(&self) {
        if let Err(e) = self.ensure_topics().await {
            tracing::warn!(error = e, "topics not created at start-up; retried before publishing");
        }
    }

    async fn publish(&self, events: &[EventEnvelope]) -> Vec<Result<(), String>> {
        let all_failed =
            |error: String| -> Vec<Result<(), String>> { events.iter().map(|_| Err(error.clone())).collect() };
        let stuck = match self.ensure_topics().await {
            Ok(answered_after_failures) => answered_after_failures,
            Err(e) => return all_failed(e),
        };
        let producer = match self.usable_producer(stuck).await {
            Ok(p) => p,
            Err(e) => return all_failed(e),
        };
        // Enqueue everything first (in order), then wait for the acknowledgements.
        let pending: Vec<_> = events.iter().map(|event| enqueue(&producer.client, event)).collect();
        drop(producer);
        let mut outcomes = Vec::with_capacity(events.len());
        for delivery in pending {
            let outcome = match delivery {
                Err(Enqueue::Json(e)) => Err(format!("envelope JSON: {e}")),
                Err(Enqueue::Kafka(e)) => Err(self.note(&e)),
                Ok(future) => match future.await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err((e, _))) => Err(self.note(&e)),
                    Err(_) => Err("kafka delivery: producer dropped the message".to_owned()),
                },
            };
            outcomes.push(outcome);
        }
        if outcomes.iter().any(Result::is_err) {
            self.recheck_topics.store(true, Ordering::Release);
        }
        outcomes
    }
}

enum Enqueue {
    Json(serde_json::Error),
    Kafka(KafkaError),
}

fn enqueue(producer: &FutureProducer, event: &EventEnvelope) -> Result<DeliveryFuture, Enqueue> {
    let value = serde_json::to_vec(event).map_err(Enqueue::Json)?;
    let version = event.version.to_string();
    let headers = OwnedHeaders::new_with_capacity(3)
        .insert(Header { key: "event_id", value: Some(event.id.as_str()) })
        .insert(Header { key: "event_type", value: Some(event.event_type.as_str()) })
        .insert(Header { key: "version", value: Some(version.as_str()) });
    let record = FutureRecord::to(&event.event_type).key(&event.aggregate_id).payload(&value).headers(headers);
    producer.send_result(record).map_err(|(e, _)| Enqueue::Kafka(e))
}
