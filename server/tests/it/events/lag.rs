//! The relay lag in `/ready` and `/metrics`.

use axum::http::StatusCode;
use proctorwise::db::now_ms;
use proctorwise::events::relay::{InProcessSink, Relay};
use std::sync::Arc;

use super::{Counter, fast, record_events};
use crate::dual;
use crate::helpers::TestApp;

dual!(relay_lag_shows_in_ready_and_metrics);

async fn relay_lag_shows_in_ready_and_metrics(app: TestApp) {
    let client = app.client();
    let ready = client.get("/ready").await;
    ready.assert_status(StatusCode::OK);
    let events = &ready.json()["checks"]["events"];
    assert_eq!(events["status"], "ok");
    assert_eq!(events["pending"], 0);
    assert_eq!(events["oldest_pending_ms"], 0);
    assert_eq!(events["sink"], "in-process");

    // Two events committed two minutes ago and never published: the relay lags.
    record_events(&app, 2).await;
    sqlx::query("UPDATE outbox SET occurred_at = ?")
        .bind(now_ms() - 120_000)
        .execute(app.state.db.pool())
        .await
        .expect("age the rows");
    let ready = client.get("/ready").await;
    ready.assert_status(StatusCode::OK); // lagging is reported, it does not fail readiness
    let body = ready.json();
    assert_eq!(body["status"], "ready");
    let events = &body["checks"]["events"];
    assert_eq!(events["status"], "lagging");
    assert_eq!(events["pending"], 2);
    let oldest = events["oldest_pending_ms"].as_i64().expect("ms");
    assert!((120_000..180_000).contains(&oldest), "{oldest}");
    let metrics = client.get("/metrics").await;
    metrics.assert_status(StatusCode::OK).assert_contains("\nproctorwise_events_pending 2\n");
    let line =
        metrics.body.lines().find(|l| l.starts_with("proctorwise_events_oldest_pending_ms ")).expect("lag gauge");
    let value: i64 = line.rsplit(' ').next().and_then(|v| v.parse().ok()).expect("number");
    assert!(value >= 120_000, "{line}");

    let counter = Counter::new();
    let sink = InProcessSink::new(app.state.db.clone(), vec![counter.as_handler()]);
    Relay::new(app.state.db.clone(), Arc::new(sink), fast()).run_once().await.expect("pass");
    let events = &client.get("/ready").await.json()["checks"]["events"];
    assert_eq!((events["status"].as_str(), events["pending"].as_i64()), (Some("ok"), Some(0)));
    client
        .get("/metrics")
        .await
        .assert_contains("\nproctorwise_events_pending 0\n")
        .assert_contains("\nproctorwise_events_oldest_pending_ms 0\n");
}
