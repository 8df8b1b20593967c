//! Dashboard alerts on a fixed clock (`NOW` = 2026-03-02 10:30 UTC), exact numbers, on both
//! databases: anomaly spike, critical anomalies today, a component down, event relay lag.
//!
//! Fixture, on the day of `NOW` (`T0` = its UTC midnight): 98 low and 3 critical counted
//! anomalies (101 > the spike threshold of 100), plus a critical one dismissed by a proctor, a
//! derived `high_risk_alert`, a critical one yesterday and one tomorrow (none of them today's
//! counted anomalies). Outbox: 4 unpublished events, the oldest 90 s before `NOW`, and an older
//! published one. SMTP points at a closed port.

use std::time::Duration;

use proctorwise::analytics::dashboard::alerts::{self, Level};
use proctorwise::analytics::platform;
use proctorwise::i18n::Lang;
use proctorwise::ops::components::{self, Status};
use secrecy::SecretString;

use super::anomalies::{anomaly, session};
use super::fixture::Analytics;
use crate::dual;
use crate::helpers::TestApp;

dual!(alerts_are_exact_on_a_fixed_clock);

/// 2026-03-02 10:30:00 UTC.
const NOW: i64 = 1_772_447_400_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;
const T0: i64 = NOW - NOW % DAY;

async fn outbox(app: &TestApp, age_ms: i64, published: bool) {
    sqlx::query(
        "INSERT INTO outbox (id, event_type, version, occurred_at, aggregate_id, payload, published_at) \
         VALUES (?, 'exam_submitted', 1, ?, 'x', '{}', ?)",
    )
    .bind(proctorwise::db::new_id())
    .bind(NOW - age_ms)
    .bind(published.then_some(NOW - age_ms + 1_000))
    .execute(app.state.db.pool())
    .await
    .expect("outbox row");
}

async fn alerts_are_exact_on_a_fixed_clock(app: TestApp) {
    let backend = app.backend;
    drop(app);
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind").local_addr().expect("addr").port();
    let app = TestApp::with_config(backend, |c| {
        c.smtp_url = Some(SecretString::from(format!("smtp://127.0.0.1:{closed}")));
        c.health_timeout = Duration::from_millis(1500);
    })
    .await;
    let w = Analytics::new(&app).await;
    let db = &app.state.db;
    let s = session(db, &w.exam_id, &w.students[0], false, T0).await;
    let e = w.exam_id.as_str();
    for i in 0..98 {
        anomaly(db, &format!("low-{i:03}"), &s, e, "no_face", "low", T0 + HOUR + i * 1_000, "not_needed", "pending")
            .await;
    }
    for i in 0..3 {
        anomaly(db, &format!("crit-{i}"), &s, e, "phone", "critical", T0 + 2 * HOUR + i, "confirmed", "pending").await;
    }
    anomaly(db, "dismissed", &s, e, "phone", "critical", T0 + 3 * HOUR, "not_needed", "dismissed").await;
    anomaly(db, "derived", &s, e, "high_risk_alert", "critical", T0 + 3 * HOUR, "not_needed", "pending").await;
    anomaly(db, "yesterday", &s, e, "phone", "critical", T0 - HOUR, "not_needed", "pending").await;
    anomaly(db, "tomorrow", &s, e, "phone", "critical", T0 + DAY + HOUR, "not_needed", "pending").await;
    sqlx::query("DELETE FROM outbox").execute(db.pool()).await.expect("empty outbox");
    for age in [90_000, 60_000, 30_000, 1_000] {
        outbox(&app, age, false).await;
    }
    outbox(&app, 600_000, true).await;
    for worker in ["auto_submit", "relay", "email"] {
        proctorwise::heartbeat::beat(db, worker, 5_000).await;
    }

    let d = platform::dashboard(db, NOW).await.expect("dashboard");
    let today: Vec<(&str, i64)> = d.anomalies_today.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(today, [("low", 98), ("critical", 3)]);
    assert_eq!((d.anomalies_today_total(), d.critical_today()), (101, 3));
    assert_eq!((d.relay.pending, d.relay.oldest_pending_ms), (4, 90_000));

    let health = components::check_all(&app.state).await;
    let status = |name: &str| health.iter().find(|c| c.name == name).map(|c| c.status);
    assert_eq!(status("smtp"), Some(Status::Down));
    assert_eq!(status("workers"), Some(Status::Up));
    // The events check reads the outbox on the real clock: events from March are late.
    assert_eq!(status("events"), Some(Status::Degraded));

    let got = alerts::alerts(&d, &health);
    let keys: Vec<(Level, &str, Option<&str>)> = got
        .iter()
        .map(|a| (a.level, a.key, a.args.iter().find(|(k, _)| *k == "component").map(|(_, v)| v.as_str())))
        .collect();
    assert_eq!(
        keys,
        [
            (Level::Critical, "analytics.alert.critical", None),
            (Level::Error, "analytics.alert.down", Some("smtp")),
            (Level::Warning, "analytics.alert.spike", None),
            (Level::Warning, "analytics.alert.relay_lag", None),
            (Level::Warning, "analytics.alert.degraded", Some("events")),
        ]
    );
    let text = |i: usize| {
        let args: Vec<(&str, &str)> = got[i].args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Lang::En.tf(got[i].key, &args)
    };
    assert_eq!(text(0), "3 critical anomalies today.");
    assert!(text(1).starts_with("smtp is down: SMTP relay 127.0.0.1:"), "{}", text(1));
    assert_eq!(text(2), "Anomaly spike: 101 anomalies today.");
    assert_eq!(text(3), "The event relay is behind: 4 events waiting, the oldest for 90 s.");

    // One anomaly fewer today: no spike any more (100 is the threshold, not a spike).
    sqlx::query("DELETE FROM monitoring_anomalies WHERE id = 'low-000'").execute(db.pool()).await.expect("delete");
    let d = platform::dashboard(db, NOW).await.expect("dashboard");
    assert_eq!(d.anomalies_today_total(), 100);
    assert!(alerts::alerts(&d, &[]).iter().all(|a| a.key != "analytics.alert.spike"));
}
