//! Domain events. Every event is an outbox row written in the same transaction as the change it
//! describes, so an event exists if and only if the change was committed. The relay publishes
//! pending rows (to Kafka, or to the in-process handlers); handlers apply each event once.

pub mod dead_letter;
pub mod envelope;
pub mod event;
pub mod handler;
pub mod kafka;
pub mod outbox;
pub mod payload;
pub mod payloads;
pub mod relay;
pub mod schema;

use std::sync::Arc;
use std::time::Duration;

pub use envelope::EventEnvelope;
pub use event::{CATALOGUE, Event, Payload, Spec, Unreadable};
pub use handler::{EventHandler, handle_once};
pub use outbox::{EventType, record};
pub use relay::{Relay, RelayConfig};
use tokio::sync::watch;

use crate::config::Config;
use crate::db::Db;

/// The event tasks of one server process. [`EventTasks::shutdown`] stops them and waits; merely
/// dropping this value also tells them to stop, without waiting.
pub struct EventTasks {
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl EventTasks {
    /// Tells every task to stop and waits until each has: the relay ends its pass, consumers
    /// leave their groups, and every Kafka client is destroyed (so call it while the broker is
    /// still up). A task still running after `within` is aborted. True when all stopped in time.
    pub async fn shutdown(self, within: Duration) -> bool {
        self.stop.send_replace(true);
        let deadline = tokio::time::Instant::now() + within;
        let mut all_stopped = true;
        for mut task in self.tasks {
            if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
                tracing::warn!(within_ms = within.as_millis(), "an event task did not stop in time; aborting it");
                task.abort();
                all_stopped = false;
            }
        }
        all_stopped
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
    let (stop, stopped) = watch::channel(false);
    let mut tasks = Vec::new();
    let sink: Arc<dyn relay::Sink> = match &config.kafka_brokers {
        None => Arc::new(relay::InProcessSink::new(db.clone(), handlers)),
        Some(brokers) => {
            let topics = kafka::TopicSettings {
                partitions: config.kafka_topic_partitions,
                replication: config.kafka_replication_factor,
            };
            let sink = Arc::new(kafka::KafkaSink::new(brokers, topics, relay_config.publish_timeout)?);
            for handler in handlers {
                let (brokers, db, stopped) = (brokers.clone(), db.clone(), stopped.clone());
                let (min, max) = (relay_config.backoff_min, relay_config.backoff_max);
                tasks.push(tokio::spawn(async move {
                    let name = handler.name();
                    if let Err(e) = kafka::consume(brokers, db, handler, min, max, stopped).await {
                        tracing::error!(handler = name, error = format!("{e:#}"), "kafka consumer stopped");
                    }
                }));
            }
            sink
        }
    };
    tracing::info!(sink = sink.name(), "outbox relay started");
    tasks.push(tokio::spawn(Relay::new(db, sink, relay_config).run(stopped)));
    Ok(EventTasks { stop, tasks })
}

/// Sleeps `pause`; true when `stop` was raised (or its sender dropped) meanwhile.
pub(crate) async fn stopped_during(pause: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        biased;
        _ = stop.wait_for(|stopped| *stopped) => true,
        () = tokio::time::sleep(pause) => false,
    }
}

/// Drops `value` on a blocking thread and waits: destroying a librdkafka client blocks (flush,
/// group leave, thread joins), which must not stall an async worker.
pub(crate) async fn drop_blocking<T: Send + 'static>(value: T) {
    if let Err(e) = tokio::task::spawn_blocking(move || drop(value)).await {
        tracing::warn!(error = %e, "dropping a client on a blocking thread failed");
    }
}
