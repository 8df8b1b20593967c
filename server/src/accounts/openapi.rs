//! OpenAPI path items of the accounts API.

use serde_json::{Value, json};

use crate::api::openapi::error;

/// Token exchange, the caller's account and the admin's user search.
pub fn paths() -> Value {
    json!({
        "/api/v1/auth/token": {"post": {
            "summary": "Exchange credentials for a bearer token",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenRequest"}}}},
            "responses": {
                "200": {"description": "Token issued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenResponse"}}}},
                "401": error("Wrong email or password, or account deactivated"),
                "422": error("Malformed body"),
                "429": error("Too many failed attempts; see Retry-After")
            }}},
        "/api/v1/me": {"get": {
            "summary": "The caller's account",
            "security": [{"bearer": []}],
            "responses": {
                "200": {"description": "The account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}},
                "401": error("Missing, invalid or expired token")
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
                "401": error("Missing, invalid or expired token"),
                "403": error("Not an admin"),
                "422": error("Unknown role")
            }}}
    })
}
