//! Real health on the dashboard: a stopped SMTP relay, Kafka broker or frame store is reported
//! down within the check timeout; a live one is up; workers are up only with fresh heartbeats.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::ops::components::{self, Status};
use secrecy::SecretString;
use tokio::io::AsyncWriteExt;

use crate::dual;
use crate::events::kafka::{Broker, test_kafka};
use crate::helpers::TestApp;

dual!(
    smtp_down_then_up,
    workers_need_heartbeats,
    health_reports_a_stopped_broker,
    health_follows_a_test_owned_broker,
    health_probes_the_configured_frame_store,
);

/// The check budget of these tests: short, so that they stay fast.
const TIMEOUT: Duration = Duration::from_millis(1500);

fn find(checks: &[components::Component], name: &str) -> components::Component {
    checks.iter().find(|c| c.name == name).cloned().unwrap_or_else(|| panic!("no {name} check in {checks:?}"))
}

/// Every check, asserting that the whole panel answered within the budget (plus scheduling slack).
async fn check_within_timeout(app: &TestApp) -> Vec<components::Component> {
    let started = Instant::now();
    let checks = components::check_all(&app.state).await;
    assert!(started.elapsed() < TIMEOUT + Duration::from_millis(500), "within the timeout: {:?}", started.elapsed());
    checks
}

/// The admin's dashboard shows `component` with `status`.
async fn dashboard_shows(app: &TestApp, component: &str, status: Status) {
    let (admin, _) = app.login_as(Role::Admin).await;
    admin
        .get("/admin")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(&format!(r#"class="health-item health-{}" data-component="{component}""#, status.as_str()));
}

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
        c.health_timeout = TIMEOUT;
    })
    .await;
    let checks = check_within_timeout(&app).await;
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
    proctorwise::heartbeat::beat(&app.state.db, "auto_submit", 5_000).await;
    proctorwise::heartbeat::beat(&app.state.db, "relay", 5_000).await;
    proctorwise::heartbeat::beat(&app.state.db, "relay", 5_000).await;
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
        c.health_timeout = TIMEOUT;
    })
    .await;
    let events = find(&check_within_timeout(&app).await, "events");
    assert_eq!(events.status, Status::Down, "{events:?}");
    assert!(events.detail.contains("unreachable"), "{}", events.detail);
    dashboard_shows(&app, "events", Status::Down).await;
}

/// A broker of the test's own: up while it runs, down once frozen (no answer at all: the
/// timeout path) and once stopped (connection refused), each within the timeout.
async fn health_follows_a_test_owned_broker(app: TestApp) {
    if test_kafka().is_none() {
        return;
    }
    let broker = Broker::new();
    broker.script("start");
    let backend = app.backend;
    drop(app);
    let app = TestApp::with_config(backend, |c| {
        c.kafka_brokers = Some(broker.addr());
        c.health_timeout = TIMEOUT;
    })
    .await;
    let events = find(&check_within_timeout(&app).await, "events");
    assert_eq!((events.status, events.detail.starts_with("Kafka: 1 broker(s)")), (Status::Up, true), "{events:?}");
    dashboard_shows(&app, "events", Status::Up).await;

    broker.script("pause");
    let events = find(&check_within_timeout(&app).await, "events");
    assert_eq!(events.status, Status::Down, "frozen broker: {events:?}");
    dashboard_shows(&app, "events", Status::Down).await;

    broker.script("stop");
    let events = find(&check_within_timeout(&app).await, "events");
    assert_eq!(events.status, Status::Down, "stopped broker: {events:?}");
    assert!(events.detail.contains("unreachable"), "{}", events.detail);
}

/// The storage check goes through the frame store the server writes to: a directory that cannot
/// be created (a file is in the way) is down; the usual one is up.
async fn health_probes_the_configured_frame_store(app: TestApp) {
    let storage = find(&check_within_timeout(&app).await, "storage");
    assert_eq!(storage.status, Status::Up, "{storage:?}");
    let frames = app.state.config.monitoring().frame_dir.display().to_string();
    assert_eq!(storage.detail, format!("local directory {frames} writable"));
    let leftovers = std::fs::read_dir(&app.state.config.monitoring().frame_dir).expect("frame dir").count();
    assert_eq!(leftovers, 0, "the probe removes what it wrote");

    let backend = app.backend;
    drop(app);
    let blocker = tempfile::NamedTempFile::new().expect("file");
    let app = TestApp::with_config(backend, |c| {
        c.monitoring_mut().frame_dir = blocker.path().join("frames");
        c.health_timeout = TIMEOUT;
    })
    .await;
    let storage = find(&check_within_timeout(&app).await, "storage");
    assert_eq!(storage.status, Status::Down, "{storage:?}");
    assert!(storage.detail.starts_with("local frame store: "), "{}", storage.detail);
    dashboard_shows(&app, "storage", Status::Down).await;
}
