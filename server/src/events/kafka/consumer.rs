//! One consumer-group task per handler: each message is handled once ([`handle_once`]) and its
//! offset committed afterwards; a failure retries the same message with back-off. Only a message
//! that cannot be read (not an event, unknown version) is skipped, once parked as a dead letter.
//! The task stops when asked, leaving its group before it returns.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::Offset;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::message::{Message, OwnedMessage};
use rdkafka::topic_partition_list::TopicPartitionList;
use tokio::sync::watch;

use super::{all_topics, base_config};
use crate::db::Db;
use crate::events::dead_letter::{self, Letter};
use crate::events::envelope::EventEnvelope;
use crate::events::handler::{EventHandler, handle_once};
use crate::events::{drop_blocking, stopped_during};

/// Consumer group of a handler.
pub fn group_id(handler: &dyn EventHandler) -> String {
    format!("proctorwise-{}", handler.name())
}

/// Consumes the handler's topics in its consumer group until `stop` is raised (or its sender is
/// gone), then closes the consumer (leaving the group) on a blocking thread and returns. Returns
/// an error only if the consumer cannot be created or subscribed.
pub async fn consume(
    brokers: String,
    db: Db,
    handler: Arc<dyn EventHandler>,
    backoff_min: Duration,
    backoff_max: Duration,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let topics: Vec<&str> = all_topics().filter(|t| handler.wants(t)).collect();
    if topics.is_empty() {
        return Ok(());
    }
    let consumer: StreamConsumer = base_config(&brokers)
        .set("group.id", group_id(handler.as_ref()))
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", "10000")
        .create()?;
    let outcome = match consumer.subscribe(&topics) {
        Ok(()) => {
            tracing::info!(handler = handler.name(), ?topics, "kafka consumer subscribed");
            let backoff = (backoff_min, backoff_max);
            run(&consumer, &db, handler.as_ref(), backoff, &mut stop).await;
            Ok(())
        }
        Err(e) => Err(e.into()),
    };
    drop_blocking(consumer).await;
    outcome
}

async fn run(
    consumer: &StreamConsumer,
    db: &Db,
    handler: &dyn EventHandler,
    (backoff_min, backoff_max): (Duration, Duration),
    stop: &mut watch::Receiver<bool>,
) {
    loop {
        let received = tokio::select! {
            biased;
            _ = stop.wait_for(|stopped| *stopped) => return,
            received = consumer.recv() => received,
        };
        // Owned at once: nothing of librdkafka's is held across the awaits below.
        let message: OwnedMessage = match received {
            Ok(m) => m.detach(),
            Err(e) => {
                tracing::warn!(handler = handler.name(), error = %e, "kafka receive failed");
                if stopped_during(backoff_min, stop).await {
                    return;
                }
                continue;
            }
        };
        let mut backoff = backoff_min;
        loop {
            let outcome = match decode(message.payload()) {
                Ok(event) => handle_once(db, handler, &event).await.map(|_| ()),
                Err(e) => not_an_event(db, handler, &message, &e).await,
            };
            let Err(e) = outcome else { break };
            tracing::warn!(
                handler = handler.name(),
                topic = message.topic(),
                offset = message.offset(),
                error = format!("{e:#}"),
                retry_in_ms = backoff.as_millis(),
                "event handling failed; retrying the same message"
            );
            if stopped_during(backoff, stop).await {
                return; // not committed: delivered again after a restart
            }
            backoff = (backoff * 2).min(backoff_max);
        }
        // Not fatal if it fails: the event was handled; a redelivery is deduplicated by `handle_once`.
        if let Err(e) = commit(consumer, &message) {
            tracing::warn!(handler = handler.name(), error = %e, "kafka offset commit failed");
        }
    }
}

/// Commits the offset after `message` (the next one to read).
fn commit(consumer: &StreamConsumer, message: &OwnedMessage) -> rdkafka::error::KafkaResult<()> {
    let mut offsets = TopicPartitionList::with_capacity(1);
    offsets.add_partition_offset(message.topic(), message.partition(), Offset::Offset(message.offset() + 1))?;
    consumer.commit(&offsets, CommitMode::Async)
}

/// Counts a message that is not an event envelope as a dead letter: an error while it has
/// retries left, `Ok` once parked (then its offset is committed like a handled one).
async fn not_an_event(
    db: &Db,
    handler: &dyn EventHandler,
    message: &OwnedMessage,
    e: &anyhow::Error,
) -> anyhow::Result<()> {
    let message_id = format!("{}/{}/{}", message.topic(), message.partition(), message.offset());
    let key = message.key().map(String::from_utf8_lossy).unwrap_or_default();
    let payload = message.payload().map(String::from_utf8_lossy).unwrap_or_default();
    let letter = Letter { message_id: &message_id, topic: message.topic(), key: &key, payload: &payload };
    dead_letter::fail(db, handler.name(), &letter, &format!("not an event envelope: {e:#}")).await
}

fn decode(payload: Option<&[u8]>) -> anyhow::Result<EventEnvelope> {
    let bytes = payload.ok_or_else(|| anyhow::anyhow!("message without a value"))?;
    Ok(serde_json::from_slice(bytes)?)
}
