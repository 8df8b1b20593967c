//! What an event payload type says about itself: its event type, version, aggregate and fields.
//! A payload struct is declared once with [`record!`], which derives its field list from the
//! struct's own fields and types; schemas, the README's table and the Kafka topics are read from
//! those lists, never written by hand.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::event::Payload;
use super::outbox::EventType;

/// The JSON type of a payload field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// An integer (times in UTC ms, scores in hundredths).
    Int,
    /// A boolean.
    Bool,
    /// An array of objects with these fields.
    List(&'static [Field]),
}

impl Kind {
    /// The JSON Schema type name.
    pub fn json_type(self) -> &'static str {
        match self {
            Kind::Str => "string",
            Kind::Int => "integer",
            Kind::Bool => "boolean",
            Kind::List(_) => "array",
        }
    }
}

/// One field of a payload: every field is required and no other is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// JSON name (the Rust field name).
    pub name: &'static str,
    /// JSON type (from the Rust type).
    pub kind: Kind,
}

/// A Rust type a payload field may have, with its JSON kind.
pub trait FieldKind {
    /// The field's JSON kind.
    const KIND: Kind;
}

impl FieldKind for String {
    const KIND: Kind = Kind::Str;
}

impl FieldKind for i64 {
    const KIND: Kind = Kind::Int;
}

impl FieldKind for bool {
    const KIND: Kind = Kind::Bool;
}

impl<T: Record> FieldKind for Vec<T> {
    const KIND: Kind = Kind::List(T::FIELDS);
}

/// A struct declared with [`record!`]: its fields, in declaration (and JSON) order.
pub trait Record {
    /// The fields.
    const FIELDS: &'static [Field];
}

/// The payload of one event type at one version: producers build it, consumers read it.
pub trait EventPayload: Record + Serialize + DeserializeOwned + Into<Payload> {
    /// The event type (and Kafka topic).
    const TYPE: EventType;
    /// The payload version this type describes.
    const VERSION: i64;
    /// What the event's aggregate id names (`booking`, `attempt`, `exam`).
    const AGGREGATE: &'static str;
    /// Values and meanings the field list does not say (README), or "".
    const NOTE: &'static str;
}

/// Declares a payload struct (serde, every field required, no other allowed) and derives its
/// [`Record`] field list from the same declaration.
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $( $(#[$field_meta:meta])* pub $field:ident: $ty:ty, )* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $( $(#[$field_meta])* pub $field: $ty, )* }

        impl $crate::events::payload::Record for $name {
            const FIELDS: &'static [$crate::events::payload::Field] = &[$(
                $crate::events::payload::Field {
                    name: stringify!($field),
                    kind: <$ty as $crate::events::payload::FieldKind>::KIND,
                },
            )*];
        }
    };
}

pub(crate) use record;

/// Implements [`EventPayload`] for a [`record!`] struct named like its [`EventType`] variant.
macro_rules! event {
    ($name:ident, version $version:literal, $aggregate:literal, $note:literal) => {
        impl $crate::events::payload::EventPayload for $name {
            const TYPE: $crate::events::EventType = $crate::events::EventType::$name;
            const VERSION: i64 = $version;
            const AGGREGATE: &'static str = $aggregate;
            const NOTE: &'static str = $note;
        }
    };
}

pub(crate) use event;
