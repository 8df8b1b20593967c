//! The versioned payload schemas of every event type, as data: consumers (and Kafka readers in
//! other services) rely on them. Tests check every payload the application writes against its
//! schema and that README.md documents exactly these fields.

use serde_json::{Value, json};

/// JSON type of a payload field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// An integer (times in UTC ms, scores in hundredths).
    Int,
    /// A boolean.
    Bool,
    /// An array.
    Array,
}

impl Kind {
    fn matches(self, value: &Value) -> bool {
        match self {
            Kind::Str => value.is_string(),
            Kind::Int => value.is_i64() || value.is_u64(),
            Kind::Bool => value.is_boolean(),
            Kind::Array => value.is_array(),
        }
    }

    fn json_type(self) -> &'static str {
        match self {
            Kind::Str => "string",
            Kind::Int => "integer",
            Kind::Bool => "boolean",
            Kind::Array => "array",
        }
    }
}

use Kind::{Array, Bool, Int, Str};

/// The fields of one payload: every field is required and no other is allowed.
pub type Fields = &'static [(&'static str, Kind)];

/// (event type, version, fields).
pub const SCHEMAS: &[(&str, i64, Fields)] = &[
    (
        "exam_scheduled",
        1,
        &[
            ("booking_id", Str),
            ("exam_id", Str),
            ("exam_title", Str),
            ("slot_id", Str),
            ("student_id", Str),
            ("teacher_id", Str),
            ("starts_at", Int),
            ("ends_at", Int),
        ],
    ),
    (
        "exam_cancelled",
        1,
        &[
            ("booking_id", Str),
            ("exam_id", Str),
            ("slot_id", Str),
            ("student_id", Str),
            ("teacher_id", Str),
            ("reason", Str),
            ("cancelled_by", Str),
        ],
    ),
    (
        "exam_submitted",
        1,
        &[
            ("attempt_id", Str),
            ("booking_id", Str),
            ("exam_id", Str),
            ("student_id", Str),
            ("reason", Str),
            ("submitted_at", Int),
            ("answered", Int),
            ("questions", Int),
        ],
    ),
    (
        "manual_review_required",
        1,
        &[("attempt_id", Str), ("exam_id", Str), ("student_id", Str), ("teacher_id", Str), ("pending_answers", Int)],
    ),
    (
        "grading_completed",
        1,
        &[
            ("attempt_id", Str),
            ("exam_id", Str),
            ("student_id", Str),
            ("teacher_id", Str),
            ("score_hundredths", Int),
            ("max_score_hundredths", Int),
            ("passed", Bool),
            ("results_released", Bool),
        ],
    ),
    (
        "results_released",
        1,
        &[("exam_id", Str), ("exam_title", Str), ("teacher_id", Str), ("released_at", Int), ("attempts", Array)],
    ),
    (
        "monitoring_started",
        1,
        &[("session_id", Str), ("attempt_id", Str), ("exam_id", Str), ("student_id", Str), ("started_at", Int)],
    ),
    (
        "monitoring_stopped",
        1,
        &[
            ("session_id", Str),
            ("attempt_id", Str),
            ("exam_id", Str),
            ("student_id", Str),
            ("reason", Str),
            ("note", Str),
            ("stopped_at", Int),
            ("frames", Int),
            ("risk_score", Int),
        ],
    ),
    (
        "anomaly_detected",
        1,
        &[
            ("anomaly_id", Str),
            ("session_id", Str),
            ("attempt_id", Str),
            ("exam_id", Str),
            ("student_id", Str),
            ("anomaly_type", Str),
            ("severity", Str),
            ("method", Str),
            ("confidence_permille", Int),
            ("detected_at", Int),
        ],
    ),
    (
        "high_risk_alert",
        1,
        &[
            ("alert_id", Str),
            ("session_id", Str),
            ("attempt_id", Str),
            ("exam_id", Str),
            ("student_id", Str),
            ("critical_count", Int),
            ("window_seconds", Int),
            ("message", Str),
            ("detected_at", Int),
        ],
    ),
];

/// Checks a payload against the schema of its type and version.
pub fn validate(event_type: &str, version: i64, payload: &Value) -> Result<(), String> {
    let (_, _, fields) = SCHEMAS
        .iter()
        .find(|(t, v, _)| *t == event_type && *v == version)
        .ok_or_else(|| format!("no schema for {event_type} v{version}"))?;
    let object = payload.as_object().ok_or_else(|| format!("{event_type}: payload is not an object"))?;
    for (name, kind) in *fields {
        match object.get(*name) {
            Some(value) if kind.matches(value) => {}
            Some(value) => return Err(format!("{event_type}.{name}: expected {}, got {value}", kind.json_type())),
            None => return Err(format!("{event_type}.{name}: missing")),
        }
    }
    if let Some(extra) = object.keys().find(|k| !fields.iter().any(|(n, _)| n == k)) {
        return Err(format!("{event_type}.{extra}: not in the schema (add it with a new version)"));
    }
    Ok(())
}

/// The schema of one event type as a JSON Schema (2020-12) document.
pub fn json_schema(event_type: &str, version: i64) -> Option<Value> {
    let (_, _, fields) = SCHEMAS.iter().find(|(t, v, _)| *t == event_type && *v == version)?;
    let properties: serde_json::Map<String, Value> =
        fields.iter().map(|(n, k)| ((*n).to_owned(), json!({ "type": k.json_type() }))).collect();
    Some(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{event_type} v{version}"),
        "type": "object",
        "required": fields.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "properties": properties,
        "additionalProperties": false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_catches_missing_wrong_and_extra_fields() {
        let ok = json!({"attempt_id": "a", "exam_id": "e", "student_id": "s", "teacher_id": "t", "pending_answers": 1});
        assert_eq!(validate("manual_review_required", 1, &ok), Ok(()));
        let mut missing = ok.clone();
        missing.as_object_mut().map(|o| o.remove("exam_id"));
        assert!(validate("manual_review_required", 1, &missing).is_err());
        let wrong =
            json!({"attempt_id": "a", "exam_id": "e", "student_id": "s", "teacher_id": "t", "pending_answers": "1"});
        assert!(validate("manual_review_required", 1, &wrong).is_err());
        let mut extra = ok.clone();
        extra.as_object_mut().map(|o| o.insert("secret".into(), json!(1)));
        assert!(validate("manual_review_required", 1, &extra).is_err());
        assert!(validate("manual_review_required", 2, &ok).is_err());
        assert!(validate("unknown", 1, &ok).is_err());
    }

    #[test]
    fn every_type_has_a_json_schema() {
        for (t, v, fields) in SCHEMAS {
            let schema = json_schema(t, *v).expect("schema");
            assert_eq!(schema["required"].as_array().map(Vec::len), Some(fields.len()));
        }
    }

    /// README.md documents exactly the fields of each schema, in the same order.
    #[test]
    fn readme_documents_every_field() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap_or_default();
        for (t, _, fields) in SCHEMAS {
            let row = readme
                .lines()
                .find(|l| l.starts_with(&format!("| `{t}` |")))
                .unwrap_or_else(|| panic!("README.md has no row for {t}"));
            let mut at = 0;
            for (name, _) in *fields {
                let found = row[at..].find(name).unwrap_or_else(|| panic!("README.md row of {t} lacks {name}"));
                at += found + name.len();
            }
        }
    }
}
