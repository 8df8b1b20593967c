//! An event as consumers see it: the envelope with its payload read into the type of its event
//! type and version, and the catalogue of every type (schemas, docs and topics derive from it).

use serde::Serialize;
use serde_json::Value;

use super::envelope::EventEnvelope;
use super::outbox::EventType;
use super::payload::{EventPayload, Field};
use super::payloads;

/// Why an envelope cannot be read: the consumer retries it a few times, then parks it as a dead
/// letter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    /// No payload type has this name.
    #[error("unknown event type {0:?}")]
    Type(String),
    /// The type is known, not at this version.
    #[error("{event_type}: unknown version {version} (this server reads version {known})")]
    Version {
        /// Event type.
        event_type: &'static str,
        /// Version of the message.
        version: i64,
        /// Version this server reads.
        known: i64,
    },
    /// The payload does not match its type.
    #[error("{event_type} v{version}: payload does not match its type: {error}")]
    Payload {
        /// Event type.
        event_type: &'static str,
        /// Version.
        version: i64,
        /// What serde said.
        error: String,
    },
}

/// One event type at one version, as documentation and schema checks need it.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Event type (and Kafka topic).
    pub event_type: EventType,
    /// Payload version.
    pub version: i64,
    /// What the aggregate id names.
    pub aggregate: &'static str,
    /// Values and meanings the field list does not say, or "".
    pub note: &'static str,
    /// The payload's fields, in JSON order.
    pub fields: &'static [Field],
}

impl Spec {
    const fn of<P: EventPayload>() -> Spec {
        Spec { event_type: P::TYPE, version: P::VERSION, aggregate: P::AGGREGATE, note: P::NOTE, fields: P::FIELDS }
    }
}

fn read_as<P: EventPayload>(version: i64, payload: &Value) -> Result<P, Unreadable> {
    let event_type = P::TYPE.as_str();
    if version != P::VERSION {
        return Err(Unreadable::Version { event_type, version, known: P::VERSION });
    }
    P::deserialize(payload).map_err(|e| Unreadable::Payload { event_type, version, error: e.to_string() })
}

/// Declares [`Payload`] (one variant per payload type, named like it) and [`CATALOGUE`].
macro_rules! catalogue {
    ($($name:ident),+ $(,)?) => {
        /// The payload of an event of any type, typed.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
        #[serde(untagged)]
        pub enum Payload {
            $( #[doc = concat!("A [`payloads::", stringify!($name), "`].")] $name(payloads::$name), )+
        }

        impl Payload {
            /// The event type.
            pub fn event_type(&self) -> EventType {
                match self { $( Payload::$name(_) => <payloads::$name as EventPayload>::TYPE, )+ }
            }

            /// The payload version.
            pub fn version(&self) -> i64 {
                match self { $( Payload::$name(_) => <payloads::$name as EventPayload>::VERSION, )+ }
            }

            /// Reads a JSON payload of `event_type` at `version` into its type.
            pub fn read(event_type: &str, version: i64, payload: &Value) -> Result<Payload, Unreadable> {
                $( if event_type == <payloads::$name as EventPayload>::TYPE.as_str() {
                    return read_as::<payloads::$name>(version, payload).map(Payload::$name);
                } )+
                Err(Unreadable::Type(event_type.to_owned()))
            }
        }

        $( impl From<payloads::$name> for Payload {
            fn from(payload: payloads::$name) -> Payload {
                Payload::$name(payload)
            }
        } )+

        /// Every event type this server writes and reads, in the README's order.
        pub const CATALOGUE: &[Spec] = &[$( Spec::of::<payloads::$name>(), )+];
    };
}

catalogue!(
    ExamScheduled,
    ExamCancelled,
    ExamReminder,
    ExamSubmitted,
    ManualReviewRequired,
    GradingCompleted,
    ResultsReleased,
    MonitoringStarted,
    MonitoringStopped,
    AnomalyDetected,
    HighRiskAlert,
);

/// An event with its payload read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Unique id (the outbox row id).
    pub id: String,
    /// When the change was committed, UTC ms.
    pub occurred_at: i64,
    /// The booking, attempt… the event is about.
    pub aggregate_id: String,
    /// The typed payload.
    pub payload: Payload,
}

impl Event {
    /// Reads an envelope: its type must be known, its version the one this server reads, its
    /// payload must match the type exactly.
    pub fn read(envelope: &EventEnvelope) -> Result<Event, Unreadable> {
        Ok(Event {
            id: envelope.id.clone(),
            occurred_at: envelope.occurred_at,
            aggregate_id: envelope.aggregate_id.clone(),
            payload: Payload::read(&envelope.event_type, envelope.version, &envelope.payload)?,
        })
    }

    /// The event type.
    pub fn event_type(&self) -> EventType {
        self.payload.event_type()
    }
}
