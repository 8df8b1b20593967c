//! The OpenAPI 3.1 document of `/api/v1`. A test checks that every API route of the router is
//! documented here, so the document grows with every feature.

use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The document: the shared schemas below plus the paths each context documents.
pub fn spec(contexts: &[Value]) -> Value {
    let mut spec = base();
    for extra in contexts {
        if let (Some(paths), Some(more)) = (spec["paths"].as_object_mut(), extra.as_object()) {
            for (path, ops) in more {
                paths.insert(path.clone(), ops.clone());
            }
        }
    }
    spec
}

/// A JSON error response, for contexts documenting their paths.
pub fn error(description: &str) -> Value {
    error_response(description)
}

fn base() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ProctorWise API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "JSON API of ProctorWise. Authenticate with POST /api/v1/auth/token, then send `Authorization: Bearer <token>`."
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string", "description": "Stable code: unauthorized, forbidden, not_found, invalid, conflict, throttled, too_large, internal"},
                    "message": {"type": "string", "description": "Human-readable message in the caller's language"}}},
                "Role": {"type": "string", "enum": ["student", "teacher", "proctor", "admin"]},
                "User": {"type": "object", "required": ["id", "email", "name", "role", "active", "created_at"], "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "email": {"type": "string", "format": "email"},
                    "name": {"type": "string"},
                    "role": {"$ref": "#/components/schemas/Role"},
                    "active": {"type": "boolean"},
                    "created_at": {"type": "string", "format": "date-time"}}},
                "TokenRequest": {"type": "object", "required": ["email", "password"], "properties": {
                    "email": {"type": "string"}, "password": {"type": "string", "format": "password"}}},
                "TokenResponse": {"type": "object", "required": ["token", "expires_at", "role"], "properties": {
                    "token": {"type": "string"},
                    "expires_at": {"type": "string", "format": "date-time"},
                    "role": {"$ref": "#/components/schemas/Role"}}}
            }
        },
        "paths": {
            "/api/v1/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1 document"}}}}
        }
    })
}
