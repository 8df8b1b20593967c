//! OpenAPI path items of the exams API.

use serde_json::{Value, json};

use super::detection::api::{input_schema as detection_input, output_schema as detection_output};
use crate::api::openapi::error;

fn exam_id_param() -> Value {
    json!({"name": "exam_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}})
}

fn slot_schema() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time", "description": "Start + duration, computed by the server"},
        "capacity": {"type": "integer"}, "booked": {"type": "integer"}, "seats_left": {"type": "integer"}}})
}

fn question_schema() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "position": {"type": "integer"},
        "kind": {"type": "string", "enum": ["mcq", "true_false", "short_answer", "essay"]},
        "prompt": {"type": "string"}, "options": {"type": "array", "items": {"type": "string"}},
        "key": {"description": "mcq: 0-based indices of the correct options; true_false: boolean; short_answer: accepted answers; essay: {\"guide\": text}"},
        "points": {"type": "string", "example": "1.5"}, "partial_credit": {"type": "boolean"}}})
}

fn question_input_schema() -> Value {
    json!({"type": "object", "required": ["kind", "prompt", "answer"], "properties": {
        "kind": {"type": "string", "enum": ["mcq", "true_false", "short_answer", "essay"]},
        "prompt": {"type": "string", "maxLength": 5000},
        "options": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 10, "description": "MCQ only"},
        "answer": {"description": "mcq: 1-based numbers or letters (\"1,3\", [1, 3], \"A\"); true_false: true/false; short_answer: accepted answers (array, or text separated by |); essay: guidance for graders"},
        "points": {"description": "Weight in half points (1, 1.5, \"2\"); default 1"},
        "partial_credit": {"type": "boolean", "description": "MCQ with several correct options"}}})
}

fn exam_settings_schema() -> Value {
    json!({"type": "object", "required": ["title", "duration_minutes"], "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": {"type": "string", "maxLength": 5000},
        "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 300},
        "pass_mark_percent": {"type": "integer", "minimum": 0, "maximum": 100, "default": 60},
        "shuffle_questions": {"type": "boolean"}, "shuffle_options": {"type": "boolean"},
        "release_mode": {"type": "string", "enum": ["immediate", "manual"], "default": "immediate"},
        "detection": detection_input()}})
}

fn owner_view_schema() -> Value {
    let mut schema = exam_settings_schema();
    schema["properties"]["id"] = json!({"type": "string", "format": "uuid"});
    schema["properties"]["teacher_id"] = json!({"type": "string", "format": "uuid"});
    schema["properties"]["status"] = json!({"type": "string", "enum": ["draft", "published"]});
    schema["properties"]["slots"] = json!({"type": "array", "items": slot_schema()});
    schema["properties"]["questions"] = json!({"type": "array", "items": question_schema()});
    schema["properties"]["detection"] = detection_output();
    schema
}

/// The paths.
pub fn paths() -> Value {
    let json_body = |schema: Value| json!({"required": true, "content": {"application/json": {"schema": schema}}});
    let ok = |description: &str, schema: Value| json!({"description": description, "content": {"application/json": {"schema": schema}}});
    json!({
        "/api/v1/exams": {
            "get": {
                "summary": "Exams by role: a teacher's own, every exam for an admin, the published catalogue (upcoming slots with seats left) for a student",
                "security": [{"bearer": []}],
                "responses": {
                    "200": ok("The exams", json!({"type": "object", "properties": {"exams": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "string"}, "title": {"type": "string"}, "duration_minutes": {"type": "integer"},
                        "status": {"type": "string"}, "teacher_name": {"type": "string"}, "upcoming_slots": {"type": "integer"},
                        "next_slot_at": {"type": ["string", "null"], "format": "date-time"},
                        "slots": {"type": "array", "items": slot_schema(), "description": "Students only"}}}}}})),
                    "401": error("Missing, invalid or expired token"),
                    "403": error("Proctors have no exam list")
                }
            },
            "post": {
                "summary": "Create a draft exam (teacher, admin)",
                "security": [{"bearer": []}],
                "requestBody": json_body(exam_settings_schema()),
                "responses": {
                    "201": ok("The new draft, owner's view", owner_view_schema()),
                    "401": error("Missing, invalid or expired token"),
                    "403": error("Not a teacher or admin"),
                    "422": error("Invalid settings; the message names each field")
                }
            }
        },
        "/api/v1/exams/{exam_id}": {"get": {
            "summary": "One exam: the owner's view with questions and keys (owner teacher, admin), or a published exam with its upcoming slots and no questions (student)",
            "security": [{"bearer": []}],
            "parameters": [exam_id_param()],
            "responses": {
                "200": ok("The exam", owner_view_schema()),
                "401": error("Missing, invalid or expired token"),
                "403": error("Proctors cannot read exams"),
                "404": error("No such exam, or not visible to the caller")
            }
        }},
        "/api/v1/exams/{exam_id}/questions": {"post": {
            "summary": "Append one question to an exam (owner teacher, admin)",
            "security": [{"bearer": []}],
            "parameters": [exam_id_param()],
            "requestBody": json_body(question_input_schema()),
            "responses": {
                "201": ok("The question, with its key", question_schema()),
                "401": error("Missing, invalid or expired token"),
                "403": error("Not a teacher or admin"),
                "404": error("No such exam, or not the caller's"),
                "422": error("Invalid question; the message names each field")
            }
        }},
        "/api/v1/exams/{exam_id}/detection": {"post": {
            "summary": "Replace an exam's detection settings (owner teacher, admin); an absent field takes its default",
            "security": [{"bearer": []}],
            "parameters": [exam_id_param()],
            "requestBody": json_body(detection_input()),
            "responses": {
                "200": ok("The detection settings now stored, with what applies", detection_output()),
                "401": error("Missing, invalid or expired token"),
                "403": error("Not a teacher or admin"),
                "404": error("No such exam, or not the caller's"),
                "422": error("Invalid settings (unknown label, no label while objects is true, weight outside 0-100); the message names each field")
            }
        }}
    })
}
