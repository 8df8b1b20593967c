//! Everything that speaks Kafka (rdkafka with its bundled librdkafka): the relay's sink (an
//! idempotent producer, one topic per event type) and one consumer-group task per handler.
//! No rdkafka type leaves this module.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::error::RDKafkaErrorCode;
use rdkafka::message::{Header, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use tokio::sync::Mutex;

use super::envelope::EventEnvelope;
use super::handler::{EventHandler, handle_once};
use super::relay::Sink;
use crate::db::Db;

/// Every topic (= event type) of the platform, created at start-up when missing.
pub const TOPICS: [&str; 10] = [
    "exam_scheduled",
    "exam_cancelled",
    "monitoring_started",
    "monitoring_stopped",
    "anomaly_detected",
    "high_risk_alert",
    "exam_submitted",
    "grading_completed",
    "manual_review_required",
    "results_released",
];

/// How topics are created.
#[derive(Clone, Debug)]
pub struct TopicSettings {
    /// Partitions per topic (`KAFKA_TOPIC_PARTITIONS`).
    pub partitions: i32,
    /// Replication factor (`KAFKA_REPLICATION_FACTOR`).
    pub replication: i32,
}

fn base_config(brokers: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", brokers).set("client.id", "proctorwise").set("allow.auto.create.topics", "false");
    config
}

/// Creates the missing topics (an existing topic is fine).
pub async fn ensure_topics(brokers: &str, settings: &TopicSettings, timeout: Duration) -> anyhow::Result<()> {
    let admin: AdminClient<DefaultClientContext> = base_config(brokers).create()?;
    let topics: Vec<NewTopic<'_>> = TOPICS
        .iter()
        .map(|name| NewTopic::new(name, settings.partitions, TopicReplication::Fixed(settings.replication)))
        .collect();
    let results = admin
        .create_topics(
            topics.iter(),
            &AdminOptions::new().operation_timeout(Some(timeout)).request_timeout(Some(timeout)),
        )
        .await?;
    for result in results {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => anyhow::bail!("cannot create topic {topic}: {code}"),
        }
    }
    Ok(())
}

/// Asks the brokers for the cluster metadata within `timeout` (health panel): the number of
/// brokers that answered, or why none did.
pub async fn probe(brokers: &str, timeout: Duration) -> anyhow::Result<usize> {
    let config = base_config(brokers);
    let task = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        let client: rdkafka::producer::BaseProducer = config.create()?;
        let metadata = client.client().fetch_metadata(None, timeout)?;
        Ok(metadata.brokers().len())
    });
    match tokio::time::timeout(timeout + Duration::from_millis(500), task).await {
        Ok(joined) => joined?,
        Err(_) => anyhow::bail!("no answer within {} ms", timeout.as_millis()),
    }
}

/// The relay's Kafka sink: key = aggregate id, headers `event_id`, `event_type`, `version`,
/// value = the envelope's JSON, topic = the event type. A row counts as published only once the
/// broker acknowledged it (`acks=all`, idempotent producer).
pub struct KafkaSink {
    brokers: String,
    topics: TopicSettings,
    timeout: Duration,
    producer: Mutex<FutureProducer>,
    topics_ready: AtomicBool,
}

impl KafkaSink {
    /// A producer for `brokers` (nothing is sent yet; the broker may be down).
    pub fn new(brokers: &str, topics: TopicSettings, timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self {
            producer: Mutex::new(producer(brokers, timeout)?),
            brokers: brokers.to_owned(),
            topics,
            timeout,
            topics_ready: AtomicBool::new(false),
        })
    }
}

fn producer(brokers: &str, timeout: Duration) -> anyhow::Result<FutureProducer> {
    Ok(base_config(brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "5")
        .set("message.timeout.ms", timeout.as_millis().to_string())
        .create()?)
}

#[async_trait]
impl Sink for KafkaSink {
    fn name(&self) -> &'static str {
        "kafka"
    }

    async fn publish(&self, events: &[EventEnvelope]) -> Vec<Result<(), String>> {
        if !self.topics_ready.load(Ordering::Relaxed) {
            if let Err(e) = ensure_topics(&self.brokers, &self.topics, self.timeout).await {
                let error = format!("kafka topics: {e:#}");
                return events.iter().map(|_| Err(error.clone())).collect();
            }
            self.topics_ready.store(true, Ordering::Relaxed);
        }
        let mut producer = self.producer.lock().await;
        if let Some((code, reason)) = producer.client().fatal_error() {
            // An idempotent producer can become unusable (e.g. the broker lost its state): start over.
            tracing::warn!(%code, reason, "kafka producer hit a fatal error; creating a new one");
            match self::producer(&self.brokers, self.timeout) {
                Ok(fresh) => *producer = fresh,
                Err(e) => return events.iter().map(|_| Err(format!("kafka producer: {e:#}"))).collect(),
            }
        }
        // Enqueue everything first (in order), then wait for the acknowledgements.
        let mut pending = Vec::with_capacity(events.len());
        for event in events {
            pending.push(enqueue(&producer, event));
        }
        drop(producer);
        let mut outcomes = Vec::with_capacity(events.len());
        for delivery in pending {
            let outcome = match delivery {
                Err(e) => Err(e),
                Ok(future) => match future.await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err((e, _))) => Err(format!("kafka delivery: {e}")),
                    Err(_) => Err("kafka delivery: producer dropped the message".to_owned()),
                },
            };
            outcomes.push(outcome);
        }
        if outcomes.iter().any(Result::is_err) {
            // Start the retry afresh: a broker that restarted empty has no topics and does not know
            // this idempotent producer's id (librdkafka would keep failing with the old one).
            self.topics_ready.store(false, Ordering::Relaxed);
            match self::producer(&self.brokers, self.timeout) {
                Ok(fresh) => *self.producer.lock().await = fresh,
                Err(e) => tracing::warn!(error = %e, "cannot create a new kafka producer"),
            }
        }
        outcomes
    }
}

fn enqueue(producer: &FutureProducer, event: &EventEnvelope) -> Result<rdkafka::producer::DeliveryFuture, String> {
    let value = serde_json::to_vec(event).map_err(|e| format!("envelope JSON: {e}"))?;
    let version = event.version.to_string();
    let headers = OwnedHeaders::new_with_capacity(3)
        .insert(Header { key: "event_id", value: Some(event.id.as_str()) })
        .insert(Header { key: "event_type", value: Some(event.event_type.as_str()) })
        .insert(Header { key: "version", value: Some(version.as_str()) });
    let record = FutureRecord::to(&event.event_type).key(&event.aggregate_id).payload(&value).headers(headers);
    producer.send_result(record).map_err(|(e, _)| format!("kafka enqueue: {e}"))
}

/// Consumer group of a handler.
pub fn group_id(handler: &dyn EventHandler) -> String {
    format!("proctorwise-{}", handler.name())
}

/// Consumes the handler's topics in its consumer group forever: each message is handled once
/// ([`handle_once`]) and its offset committed afterwards. A failure retries the same message
/// with back-off; nothing is skipped. Returns early only if the consumer cannot be created.
pub async fn consume(
    brokers: String,
    db: Db,
    handler: Arc<dyn EventHandler>,
    backoff_min: Duration,
    backoff_max: Duration,
) -> anyhow::Result<()> {
    let topics: Vec<&str> = TOPICS.iter().copied().filter(|t| handler.wants(t)).collect();
    if topics.is_empty() {
        return Ok(());
    }
    let consumer: StreamConsumer = base_config(&brokers)
        .set("group.id", group_id(handler.as_ref()))
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", "10000")
        .create()?;
    consumer.subscribe(&topics)?;
    tracing::info!(handler = handler.name(), ?topics, "kafka consumer subscribed");
    loop {
        let message = match consumer.recv().await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(handler = handler.name(), error = %e, "kafka receive failed");
                tokio::time::sleep(backoff_min).await;
                continue;
            }
        };
        let mut backoff = backoff_min;
        loop {
            let outcome = match decode(message.payload()) {
                Ok(event) => handle_once(&db, handler.as_ref(), &event).await.map(|_| ()),
                Err(e) => Err(e),
            };
            match outcome {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(
                        handler = handler.name(),
                        topic = message.topic(),
                        offset = message.offset(),
                        error = format!("{e:#}"),
                        retry_in_ms = backoff.as_millis(),
                        "event handling failed; retrying the same message"
                    );
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(backoff_max);
                }
            }
        }
        if let Err(e) = consumer.commit_message(&message, CommitMode::Async) {
            // Not fatal: the event was handled; a redelivery is deduplicated by `handle_once`.
            tracing::warn!(handler = handler.name(), error = %e, "kafka offset commit failed");
        }
    }
}

fn decode(payload: Option<&[u8]>) -> anyhow::Result<EventEnvelope> {
    let bytes = payload.ok_or_else(|| anyhow::anyhow!("message without a value"))?;
    Ok(serde_json::from_slice(bytes)?)
}

#[cfg(test)]
mod topic_tests {
    use super::TOPICS;

    /// Every event type the application writes has its topic, or the relay could not publish it.
    #[test]
    fn every_event_type_has_a_topic() {
        for (event_type, _, _) in crate::events::schema::SCHEMAS {
            assert!(TOPICS.contains(event_type), "{event_type} has no Kafka topic");
        }
    }
}
