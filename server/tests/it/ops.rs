//! Health, readiness, metrics, security headers, limits and error pages.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;

use crate::dual;
use crate::helpers::TestApp;

dual!(
    health_ready_and_metrics,
    security_headers_and_request_id,
    oversized_bodies_are_refused,
    unknown_pages_get_a_localised_404,
    static_assets_are_served,
);

async fn health_ready_and_metrics(app: TestApp) {
    let client = app.client();
    let health = client.get("/health").await;
    health.assert_status(StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");
    let ready = client.get("/ready").await;
    ready.assert_status(StatusCode::OK);
    assert_eq!(ready.json()["checks"]["database"]["status"], "ok");
    client.get("/login").await;
    let metrics = client.get("/metrics").await;
    metrics.assert_status(StatusCode::OK);
    assert!(metrics.header("content-type").starts_with("text/plain"));
    metrics
        .assert_contains("proctorwise_http_requests_total{method=\"GET\",route=\"/login\",status=\"200\"} 1")
        .assert_contains("proctorwise_database_up 1");
    // Readiness reports a dead database instead of pretending.
    app.state.db.close().await;
    let ready = client.get("/ready").await;
    ready.assert_status(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json()["checks"]["database"]["status"], "down");
}

async fn security_headers_and_request_id(app: TestApp) {
    let res = app.client().get("/login").await;
    let csp = res.header("content-security-policy");
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(res.header("x-content-type-options"), "nosniff");
    assert_eq!(res.header("x-frame-options"), "DENY");
    assert_eq!(res.header("x-request-id").len(), 36);
    let cookie = res.header("set-cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain-http default must not set Secure");
    let secure = TestApp::with_config(app.backend, |c| c.public_url = "https://exams.example.org".into()).await;
    assert!(secure.client().get("/login").await.header("set-cookie").contains("Secure"));
}

async fn oversized_bodies_are_refused(app: TestApp) {
    let app = TestApp::with_config(app.backend, |c| c.max_body_bytes = 4096).await;
    let client = app.client();
    let token = client.csrf().await;
    let big = format!("csrf_token={token}&email=a%40b.c&password={}", "x".repeat(10_000));
    let res = client.post_raw("/login", &big, &[("x-csrf-token", &token)]).await;
    res.assert_status(StatusCode::PAYLOAD_TOO_LARGE).assert_contains("What you sent is too large.");
}

async fn unknown_pages_get_a_localised_404(app: TestApp) {
    let (client, _) = app.login_as(Role::Student).await;
    let res = client.get("/no/such/page").await;
    res.assert_status(StatusCode::NOT_FOUND).assert_contains("This page does not exist").assert_contains("Log out");
    let res = app.client().get_with("/no/such/page", &[("accept-language", "fr")]).await;
    res.assert_status(StatusCode::NOT_FOUND).assert_contains("Cette page n'existe pas");
}

async fn static_assets_are_served(app: TestApp) {
    let res = app.client().get("/static/app.css").await;
    res.assert_status(StatusCode::OK).assert_contains(".site-header");
    assert!(res.header("cache-control").contains("max-age"));
    app.client().get("/static/../Cargo.toml").await.assert_status(StatusCode::NOT_FOUND);
}
