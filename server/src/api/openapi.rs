//! The OpenAPI 3.1 document of `/api/v1`. A test checks that every API route of the router is
//! documented here, so the document grows with every feature.

use axum::Json;
use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The document: the accounts API below plus every context's own paths.
pub fn spec() -> Value {
    let mut spec = base();
    for extra in [
        crate::exams::openapi_paths(),
        crate::bookings::openapi_paths(),
        crate::attempts::openapi_paths(),
        crate::grading::openapi_paths(),
        crate::notifications::openapi_paths(),
        crate::monitoring::openapi_paths(),
    ] {
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
            "/api/v1/auth/token": {"post": {
                "summary": "Exchange credentials for a bearer token",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenRequest"}}}},
                "responses": {
                    "200": {"description": "Token issued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenResponse"}}}},
                    "401": error_response("Wrong email or password, or account deactivated"),
                    "422": error_response("Malformed body"),
                    "429": error_response("Too many failed attempts; see Retry-After")
                }}},
            "/api/v1/me": {"get": {
                "summary": "The caller's account",
                "security": [{"bearer": []}],
                "responses": {
                    "200": {"description": "The account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
                    "401": error_response("Missing, invalid or expired token")
                }}},
            "/api/v1/users": {"get": {
                "summary": "Search accounts (admin)",
                "security": [{"bearer": []}],
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Part of a name or email"},
                    {"name": "role", "in": "query", "schema": {"$ref": "#/components/schemas/Role"}},
                    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}
                ],
                "responses": {
                    "200": {"description": "A page of accounts", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["total", "users"], "properties": {
                            "total": {"type": "integer"},
                            "users": {"type": "array", "items": {"$ref": "#/components/schemas/User"}}}}}}},
                    "401": error_response("Missing, invalid or expired token"),
                    "403": error_response("Not an admin"),
                    "422": error_response("Unknown role")
                }}},
            "/api/v1/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1 document"}}}}
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<Value> {
    Json(spec())
}
