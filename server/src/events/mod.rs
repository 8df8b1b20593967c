//! Domain events. Every event is an outbox row written in the same transaction as the change it
//! describes, so an event exists if and only if the change was committed. The relay publishes
//! pending rows (to Kafka, or to the in-process handlers); handlers apply each event once.

pub mod envelope;
pub mod handler;
pub mod kafka;
pub mod outbox;
pub mod relay;
pub mod schema;

use std::sync::Arc;

pub use envelope::EventEnvelope;
pub use handler::{EventHandler, handle_once};
pub use outbox::{EventType, record};
pub use relay::{Relay, RelayConfig};

use crate::config::Config;
use crate::db::Db;

/// The event tasks of one server process; aborting them stops relaying and consuming.
pub struct EventTasks {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl EventTasks {
    /// Stops every task.
    pub fn abort(&self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The sink name `/ready` reports for this configuration.
pub fn sink_name(config: &Config) -> &'static str {
    if config.kafka_brokers.is_some() { "kafka" } else { "in-process" }
}

/// Starts the relay (to Kafka when `KAFKA_BROKERS` is set, else to `handlers` in process) and,
/// with Kafka, one consumer-group task per handler.
pub fn start(
    db: Db,
    config: &Config,
    relay_config: RelayConfig,
    handlers: Vec<Arc<dyn EventHandler>>,
) -> anyhow::Result<EventTasks> {
    let mut tasks = Vec::new();
    let sink: Arc<dyn relay::Sink> = match &config.kafka_brokers {
        None => Arc::new(relay::InProcessSink::new(db.clone(), handlers)),
        Some(brokers) => {
            let topics = kafka::TopicSettings {
                partitions: config.kafka_topic_partitions,
                replication: config.kafka_replication_factor,
            };
            // Topics are created at start-up (the sink checks again before its first publish,
            // so a broker that is down now only delays it).
            let (b, t, timeout) = (brokers.clone(), topics.clone(), relay_config.publish_timeout);
            tasks.push(tokio::spawn(async move {
                if let Err(e) = kafka::ensure_topics(&b, &t, timeout).await {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "topics not created at start-up; retried before publishing"
                    );
                }
            }));
            for handler in handlers {
                let (brokers, db) = (brokers.clone(), db.clone());
                let (min, max) = (relay_config.backoff_min, relay_config.backoff_max);
                tasks.push(tokio::spawn(async move {
                    let name = handler.name();
                    if let Err(e) = kafka::consume(brokers, db, handler, min, max).await {
                        tracing::error!(handler = name, error = format!("{e:#}"), "kafka consumer stopped");
                    }
                }));
            }
            Arc::new(kafka::KafkaSink::new(brokers, topics, relay_config.publish_timeout)?)
        }
    };
    tracing::info!(sink = sink.name(), "outbox relay started");
    tasks.push(tokio::spawn(Relay::new(db, sink, relay_config).run()));
    Ok(EventTasks { tasks })
}
