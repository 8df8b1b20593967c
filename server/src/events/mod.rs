//! Domain events. Every event is an outbox row written in the same transaction as the change it
//! describes, so an event exists if and only if the change was committed. The relay that
//! publishes pending rows (in process or to Kafka) is built on this table.

pub mod outbox;

pub use outbox::{EventType, record};
