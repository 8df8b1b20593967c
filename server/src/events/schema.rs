//! The payload schemas of every event type, derived from the payload types (see
//! [`super::CATALOGUE`]): a check of a JSON payload, the JSON Schema documents Kafka readers in
//! other services can use, and the README's event table (`proctorwise event-table` prints it).

use serde_json::{Value, json};

use super::event::{CATALOGUE, Payload, Spec};
use super::payload::{Field, Kind};

/// Checks a payload against the type of its event type and version: every field present with
/// its JSON type, no other field.
pub fn validate(event_type: &str, version: i64, payload: &Value) -> Result<(), String> {
    Payload::read(event_type, version, payload).map(drop).map_err(|e| e.to_string())
}

fn spec(event_type: &str, version: i64) -> Option<&'static Spec> {
    CATALOGUE.iter().find(|s| s.event_type.as_str() == event_type && s.version == version)
}

fn object_schema(fields: &[Field]) -> Value {
    let properties: serde_json::Map<String, Value> =
        fields.iter().map(|f| (f.name.to_owned(), field_schema(f.kind))).collect();
    json!({
        "type": "object",
        "required": fields.iter().map(|f| f.name).collect::<Vec<_>>(),
        "properties": properties,
        "additionalProperties": false,
    })
}

fn field_schema(kind: Kind) -> Value {
    match kind {
        Kind::List(fields) => json!({ "type": "array", "items": object_schema(fields) }),
        other => json!({ "type": other.json_type() }),
    }
}

/// The schema of one event type as a JSON Schema (2020-12) document.
pub fn json_schema(event_type: &str, version: i64) -> Option<Value> {
    let spec = spec(event_type, version)?;
    let mut schema = object_schema(spec.fields);
    if let Some(object) = schema.as_object_mut() {
        object.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
        object.insert("title".into(), json!(format!("{event_type} v{version}")));
    }
    Some(schema)
}

fn describe(fields: &[Field]) -> String {
    let each = fields.iter().map(|f| match f.kind {
        Kind::List(inner) => format!("{}: [{{{}}}]", f.name, describe(inner)),
        kind => format!("{}: {}", f.name, kind.json_type()),
    });
    each.collect::<Vec<_>>().join(", ")
}

/// The README's event table (Markdown), one row per event type.
pub fn readme_table() -> String {
    let mut table = String::from("| type | version | aggregate | payload |\n|---|---|---|---|\n");
    for spec in CATALOGUE {
        let note = if spec.note.is_empty() { String::new() } else { format!(" — {}", spec.note) };
        table.push_str(&format!(
            "| `{}` | {} | {} | `{}`{note} |\n",
            spec.event_type.as_str(),
            spec.version,
            spec.aggregate,
            describe(spec.fields)
        ));
    }
    table
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
        for spec in CATALOGUE {
            let schema = json_schema(spec.event_type.as_str(), spec.version).expect("schema");
            assert_eq!(schema["required"].as_array().map(Vec::len), Some(spec.fields.len()));
        }
        let released = json_schema("results_released", 1).expect("schema");
        assert_eq!(released["properties"]["attempts"]["items"]["required"], json!(["attempt_id", "student_id"]));
    }

    /// README.md holds exactly the generated table (`proctorwise event-table` prints it).
    #[test]
    fn readme_holds_the_generated_event_table() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap_or_default();
        let table = readme_table();
        assert!(readme.contains(&table), "README.md's event table is stale; replace it with:\n\n{table}");
    }
}
