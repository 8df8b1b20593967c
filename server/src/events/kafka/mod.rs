//! Everything that speaks Kafka (rdkafka with its bundled librdkafka): the relay's sink (an
//! idempotent producer, one topic per event type) and one consumer-group task per handler.
//! No rdkafka type leaves this module.
//!
//! librdkafka clients are few and long-lived: one producer and one admin client per sink (a new
//! producer only after a fatal error), one consumer per handler. Creating and destroying clients
//! while the broker is away is what librdkafka handles worst, and destroying one blocks (it
//! flushes, closes the group, joins its threads): clients are always dropped on a blocking thread
//! ([`super::drop_blocking`]), never on an async worker.

mod consumer;
mod sink;

use std::time::Duration;

use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::RDKafkaErrorCode;
use rdkafka::producer::{BaseProducer, Producer};

pub use consumer::{consume, group_id};
pub use sink::KafkaSink;

/// Every topic (= event type) of the platform, created at start-up when missing.
pub fn all_topics() -> impl Iterator<Item = &'static str> {
    crate::events::CATALOGUE.iter().map(|spec| spec.event_type.as_str())
}

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

fn admin_client(brokers: &str) -> anyhow::Result<AdminClient<DefaultClientContext>> {
    Ok(base_config(brokers).create()?)
}

/// Creates the missing topics with `admin` (an existing topic is fine).
async fn create_topics(
    admin: &AdminClient<DefaultClientContext>,
    settings: &TopicSettings,
    timeout: Duration,
) -> anyhow::Result<()> {
    let topics: Vec<NewTopic<'_>> = all_topics()
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
/// brokers that answered, or why none did (never later than `timeout`).
pub async fn probe(brokers: &str, timeout: Duration) -> anyhow::Result<usize> {
    let config = base_config(brokers);
    // All on a blocking thread: the metadata request blocks, and so does the client's destruction
    // (which may end after this returns).
    let task = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        let client: BaseProducer = config.create()?;
        let metadata = client.client().fetch_metadata(None, timeout)?;
        Ok(metadata.brokers().len())
    });
    match tokio::time::timeout(timeout, task).await {
        Ok(joined) => joined?,
        Err(_) => anyhow::bail!("no answer within {} ms", timeout.as_millis()),
    }
}
