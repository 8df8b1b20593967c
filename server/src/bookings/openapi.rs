//! OpenAPI path items of the bookings API.

use serde_json::{Value, json};

use crate::api::openapi::error;

fn booking_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "exam_id", "exam_title", "teacher_name", "slot_id", "starts_at", "ends_at",
                     "duration_minutes", "status", "cancel_reason", "cancel_note", "can_cancel", "can_start", "start_url"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "exam_id": {"type": "string", "format": "uuid"},
            "exam_title": {"type": "string"},
            "teacher_name": {"type": "string"},
            "slot_id": {"type": "string", "format": "uuid"},
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"},
            "duration_minutes": {"type": "integer"},
            "status": {"type": "string", "enum": ["scheduled", "open", "in_progress", "completed", "cancelled", "missed"],
                "description": "Derived on the server: scheduled (slot not started), open (slot window open, no attempt yet), in_progress (attempt running), completed (attempt submitted), cancelled, missed (slot over, no attempt)"},
            "cancel_reason": {"type": ["string", "null"], "enum": ["by_student", "slot_removed", "by_admin", "exam_withdrawn", null]},
            "cancel_note": {"type": ["string", "null"], "description": "The message an admin who cancelled the booking wrote to the student"},
            "can_cancel": {"type": "boolean", "description": "Only before the slot starts"},
            "can_start": {"type": "boolean"},
            "start_url": {"type": ["string", "null"], "description": "Page where the exam is taken, while it can be"}
        }
    })
}

fn booking_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": booking_schema()}}})
}

/// The bookings API's paths.
pub fn paths() -> Value {
    json!({
        "/api/v1/bookings": {
            "get": {
                "summary": "The caller's bookings with their derived status, current ones first (students)",
                "security": [{"bearer": []}],
                "responses": {
                    "200": {"description": "The bookings", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["bookings"],
                        "properties": {"bookings": {"type": "array", "items": booking_schema()}}}}}},
                    "401": error("Missing, invalid or expired token"),
                    "403": error("Not a student")
                }
            },
            "post": {
                "summary": "Book a seat in a slot (students)",
                "security": [{"bearer": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["slot_id"],
                    "properties": {"slot_id": {"type": "string", "format": "uuid"}}}}}},
                "responses": {
                    "201": booking_response("Booked"),
                    "401": error("Missing, invalid or expired token"),
                    "403": error("Not a student"),
                    "409": error("Refused: slot full, already started, removed or not open for booking; exam already booked; another booking at the same time"),
                    "422": error("Missing or malformed slot_id, or malformed body")
                }
            }
        },
        "/api/v1/bookings/{booking_id}/cancel": {
            "post": {
                "summary": "Cancel one's own booking before its slot starts (students)",
                "security": [{"bearer": []}],
                "parameters": [{"name": "booking_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                "responses": {
                    "200": booking_response("The cancelled booking"),
                    "401": error("Missing, invalid or expired token"),
                    "403": error("Not a student"),
                    "404": error("No such booking of the caller"),
                    "409": error("The slot has started, or the booking is already cancelled")
                }
            }
        }
    })
}
