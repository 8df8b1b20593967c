//! Real health on the dashboard: a stopped SMTP relay or Kafka broker is reported down within
//! the check timeout; a live one is up; workers are up only with fresh heartbeats.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::ops::components::{self, Status};
use secrecy::SecretString;
use tokio::io::AsyncWriteExt;

use crate::dual;
use crate::helpers::TestApp;

dual!(smtp_down_then_up, workers_need_heartbeats, health_reports_a_stopped_broker);

/// A port nothing listens on (bound, then released).
async fn closed_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    l.local_addr().expect("addr").port()
}

async fn smtp_down_then_up(app: TestApp) {
    let backend = app.backend;
    drop(app);
    let port = closed_port().await;
    let app = TestApp::with_config(backend, |c| {
        c.smtp_url = Some(SecretString::from(format!("smtp://127.0.0.1:{port}")));
        c.health_timeout = Duration::from_millis(1500);
    })
    .await;
    let started = Instant::now();
    let checks = components::check_all(&app.state).await;
    assert!(started.elapsed() < Duration::from_millis(2500), "checks run within the timeout");
    let smtp = checks.iter().find(|c| c.name == "smtp").expect("smtp");
    assert_eq!(smtp.status, Status::Down, "{smtp:?}");
    let db = checks.iter().find(|c| c.name == "database").expect("db");
    assert_eq!(db.status, Status::Up, "{db:?}");
    assert_eq!(checks.iter().find(|c| c.name == "storage").map(|c| c.status), Some(Status::Up));
    let (admin, _) = app.login_as(Role::Admin).await;
    let page = admin.get("/admin").await;
    page.assert_status(StatusCode::OK)
        .assert_contains(r#"class="health-item health-down" data-component="smtp""#)
        .assert_contains("Email (SMTP) is down")
        .assert_contains("Email (SMTP)");

    // A relay that greets: up.
    let relay = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await.expect("rebind");
    let server = tokio::spawn(async move {
        while let Ok((mut s, _)) = relay.accept().await {
            let _ = s.write_all(b"220 test ESMTP\r\n").await;
        }
    });
    let checks = components::check_all(&app.state).await;
    assert_eq!(checks.iter().find(|c| c.name == "smtp").map(|c| c.status), Some(Status::Up));
    server.abort();
}

async fn workers_need_heartbeats(app: TestApp) {
    let workers =
        |checks: &[components::Component]| checks.iter().find(|c| c.name == "workers").cloned().expect("workers");
    let w = workers(&components::check_all(&app.state).await);
    assert_eq!(w.status, Status::Down);
    assert!(w.detail.contains("auto_submit: no heartbeat"), "{}", w.detail);
    proctorwise::ops::heartbeat::beat(&app.state.db, "auto_submit", 5_000).await;
    proctorwise::ops::heartbeat::beat(&app.state.db, "relay", 5_000).await;
    proctorwise::ops::heartbeat::beat(&app.state.db, "relay", 5_000).await;
    let w = workers(&components::check_all(&app.state).await);
    assert_eq!(w.status, Status::Up, "{}", w.detail);
    sqlx::query("UPDATE worker_heartbeats SET beat_at = beat_at - 600000 WHERE worker = 'relay'")
        .execute(app.state.db.pool())
        .await
        .expect("age");
    let w = workers(&components::check_all(&app.state).await);
    assert_eq!(w.status, Status::Down);
    assert!(w.detail.starts_with("relay: last seen 60"), "{}", w.detail);
}

async fn health_reports_a_stopped_broker(app: TestApp) {
    let backend = app.backend;
    drop(app);
    let port = closed_port().await;
    let app = TestApp::with_config(backend, |c| {
        c.kafka_brokers = Some(format!("127.0.0.1:{port}"));
        c.health_timeout = Duration::from_millis(1500);
    })
    .await;
    let started = Instant::now();
    let checks = components::check_all(&app.state).await;
    assert!(started.elapsed() < Duration::from_millis(2500), "within the timeout: {:?}", started.elapsed());
    let events = checks.iter().find(|c| c.name == "events").expect("events");
    assert_eq!(events.status, Status::Down, "{events:?}");
    assert!(events.detail.contains("unreachable"), "{}", events.detail);
}
