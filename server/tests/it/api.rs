//! The JSON API: bearer tokens, errors as JSON, the OpenAPI document.

use axum::http::{Method, StatusCode};
use proctorwise::accounts::model::Role;
use proctorwise::accounts::queries;
use serde_json::json;

use crate::dual;
use crate::helpers::{PASSWORD, TestApp};

dual!(
    token_grants_access_until_deactivation,
    bad_credentials_and_bodies_get_json_errors,
    token_endpoint_is_throttled,
    cookies_do_not_authenticate_the_api,
    admin_user_search_api,
);

async fn token_grants_access_until_deactivation(app: TestApp) {
    let user = app.create_user(Role::Teacher, "tina@example.test").await;
    let res = app
        .client()
        .json(Method::POST, "/api/v1/auth/token", json!({"email": "TINA@example.test", "password": PASSWORD}), None)
        .await;
    res.assert_status(StatusCode::OK);
    let body = res.json();
    assert_eq!(body["role"], "teacher");
    assert!(body["expires_at"].as_str().is_some_and(|s| s.ends_with('Z')));
    let token = body["token"].as_str().expect("token");
    let me = app.client().api_get("/api/v1/me", Some(token)).await;
    me.assert_status(StatusCode::OK);
    assert_eq!(me.json()["email"], "tina@example.test");
    queries::set_active(&app.state.db, &user.id, false).await.expect("deactivate");
    app.client().api_get("/api/v1/me", Some(token)).await.assert_status(StatusCode::UNAUTHORIZED);
}

async fn bad_credentials_and_bodies_get_json_errors(app: TestApp) {
    app.create_user(Role::Student, "uma@example.test").await;
    let client = app.client();
    let res = client
        .json(Method::POST, "/api/v1/auth/token", json!({"email": "uma@example.test", "password": "nope"}), None)
        .await;
    res.assert_status(StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["error"], "unauthorized");
    assert_eq!(res.header("www-authenticate"), "Bearer");
    let res = client.json(Method::POST, "/api/v1/auth/token", json!({"email": "uma@example.test"}), None).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json()["message"].as_str().is_some_and(|m| m.contains("password")));
    let res = client.api_get("/api/v1/me", Some("garbage")).await;
    res.assert_status(StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["error"], "unauthorized");
    let res = client.api_get("/api/v1/nothing-here", None).await;
    res.assert_status(StatusCode::NOT_FOUND);
    assert_eq!(res.json()["error"], "not_found");
}

async fn token_endpoint_is_throttled(app: TestApp) {
    app.create_user(Role::Student, "vic@example.test").await;
    let client = app.client();
    for _ in 0..5 {
        client
            .json(Method::POST, "/api/v1/auth/token", json!({"email": "vic@example.test", "password": "wrong"}), None)
            .await;
    }
    let res = client
        .json(Method::POST, "/api/v1/auth/token", json!({"email": "vic@example.test", "password": PASSWORD}), None)
        .await;
    res.assert_status(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.json()["error"], "throttled");
    assert_eq!(res.header("retry-after"), "900");
}

async fn cookies_do_not_authenticate_the_api(app: TestApp) {
    let (client, _) = app.login_as(Role::Admin).await;
    client.get("/admin").await.assert_status(StatusCode::OK);
    client.api_get("/api/v1/me", None).await.assert_status(StatusCode::UNAUTHORIZED);
}

async fn admin_user_search_api(app: TestApp) {
    let admin = app.create_user(Role::Admin, "root@example.test").await;
    let student = app.create_user(Role::Student, "will@example.test").await;
    let admin_token = app.token_for(&admin).await;
    let student_token = app.token_for(&student).await;
    let res = app.client().api_get("/api/v1/users?role=student", Some(&admin_token)).await;
    res.assert_status(StatusCode::OK);
    let body = res.json();
    assert_eq!(body["total"], 1);
    assert_eq!(body["users"][0]["email"], "will@example.test");
    assert!(body["users"][0].get("password_hash").is_none());
    app.client().api_get("/api/v1/users", Some(&student_token)).await.assert_status(StatusCode::FORBIDDEN);
    let res = app.client().api_get("/api/v1/users?role=wizard", Some(&admin_token)).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

/// Every API route the router serves is in the OpenAPI document, with its method.
#[test]
fn openapi_documents_every_api_route() {
    let spec = proctorwise::assembly::openapi();
    for route in proctorwise::route_table().into_iter().filter(|r| r.path.starts_with("/api/")) {
        let op = &spec["paths"][route.path][route.method.to_lowercase()];
        assert!(op.is_object(), "{} {} is not documented in openapi.json", route.method, route.path);
        assert!(op["responses"].is_object(), "{} {} lacks responses", route.method, route.path);
    }
}
