//! Domain events. Every event is an outbox row written in the same transaction as the change it
//! describes, so an event exists if and only if the change was committed. The relay publishes
//! pending rows (to Kafka, or to the in-process handlers); handlers apply each event once.

pub mod envelope;
pub mod handler;
pub mod outbox;
pub mod schema;

pub use envelope::EventEnvelope;
pub use handler::{EventHandler, handle_once};
pub use outbox::{EventType, record};
