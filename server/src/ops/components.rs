//! Real health of each component, checked when asked (the admin dashboard's health panel), all at
//! once and each within `PROCTORWISE_HEALTH_TIMEOUT_MS`: database (and Galera replication when
//! MariaDB reports it), event bus (Kafka metadata, relay lag), frame storage (a probe object
//! through the configured frame store), SMTP relay and background workers' heartbeats. A check
//! that does not answer in time is `Down`.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;

use crate::heartbeat;
use futures_util::future::join_all;

use crate::app::AppState;
use crate::config::Backend;
use crate::db::{DbText, now_ms};

/// Outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Working.
    Up,
    /// Working with a problem worth a look (relay lag, replication not synced).
    Degraded,
    /// Not working, or no answer in time.
    Down,
    /// Not configured in this deployment.
    Off,
}

impl Status {
    /// Stable name (CSS class, JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Up => "up",
            Status::Degraded => "degraded",
            Status::Down => "down",
            Status::Off => "off",
        }
    }
}

/// One component's health.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// Component name (`database`, `events`, `storage`, `smtp`, `workers`).
    pub name: &'static str,
    /// Outcome.
    pub status: Status,
    /// What was seen, in plain words (technical, not translated).
    pub detail: String,
    /// How long the check took.
    pub latency_ms: u64,
}

/// Relay lag beyond this is `Degraded`.
pub const RELAY_LAG_MS: i64 = 60_000;

/// Checks every component concurrently: the plumbing's own, then those the contexts added.
pub async fn check_all(state: &AppState) -> Vec<Component> {
    let timeout = state.config.health_timeout;
    let added = state.get::<super::OpsHooks>().map(|h| h.checks.clone()).unwrap_or_default();
    let (db, events, added, smtp, workers) = tokio::join!(
        timed("database", timeout, database(state)),
        timed("events", timeout, events(state, timeout)),
        join_all(added.iter().map(|c| timed(c.name(), timeout, c.check(state)))),
        timed("smtp", timeout, smtp(state)),
        timed("workers", timeout, workers(state)),
    );
    let mut all = vec![db, events];
    all.extend(added);
    all.extend([smtp, workers]);
    all
}

async fn timed(name: &'static str, timeout: Duration, check: impl Future<Output = (Status, String)>) -> Component {
    let started = Instant::now();
    let (status, detail) = match tokio::time::timeout(timeout, check).await {
        Ok(outcome) => outcome,
        Err(_) => (Status::Down, format!("no answer within {} ms", timeout.as_millis())),
    };
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Component { name, status, detail, latency_ms }
}

async fn database(state: &AppState) -> (Status, String) {
    if let Err(e) = state.db.ping(state.config.health_timeout).await {
        return (Status::Down, format!("{e:#}"));
    }
    if state.db.backend() == Backend::Sqlite {
        return (Status::Up, "SQLite".into());
    }
    let rows: Vec<(DbText, DbText)> = match sqlx::query_as("SHOW STATUS LIKE 'wsrep%'").fetch_all(state.db.pool()).await
    {
        Ok(rows) => rows,
        Err(e) => return (Status::Degraded, format!("MariaDB up; replication status unreadable: {e}")),
    };
    let mut vars: Vec<(String, String)> = rows.into_iter().map(|(k, v)| (k.0, v.0)).collect();
    // A server built with Galera but not clustered reports wsrep_* status with `wsrep_on=OFF`.
    if let Ok(on) =
        sqlx::query_as::<_, (DbText, DbText)>("SHOW VARIABLES LIKE 'wsrep_on'").fetch_all(state.db.pool()).await
    {
        vars.extend(on.into_iter().map(|(k, v)| (k.0, v.0)));
    }
    galera(&vars)
}

/// Reads Galera's `wsrep_*` status variables (none: a standalone server).
pub fn galera(vars: &[(String, String)]) -> (Status, String) {
    let get = |name: &str| vars.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let standalone = get("wsrep_on").is_some_and(|on| on.eq_ignore_ascii_case("OFF"));
    let Some(cluster) = get("wsrep_cluster_status").filter(|_| !standalone) else {
        return (Status::Up, "MariaDB (no Galera replication)".into());
    };
    let ready = get("wsrep_ready").unwrap_or("?");
    let state = get("wsrep_local_state_comment").unwrap_or("?");
    let size = get("wsrep_cluster_size").unwrap_or("?");
    let detail = format!("Galera: cluster {cluster}, {size} nodes, node {state}, ready {ready}");
    let healthy = cluster.eq_ignore_ascii_case("Primary") && ready.eq_ignore_ascii_case("ON") && state == "Synced";
    (if healthy { Status::Up } else { Status::Degraded }, detail)
}

async fn events(state: &AppState, timeout: Duration) -> (Status, String) {
    let started = Instant::now();
    let lag = match crate::events::relay::lag(&state.db).await {
        Ok(lag) => lag,
        Err(e) => return (Status::Down, format!("outbox unreadable: {e}")),
    };
    let lag_text = format!("{} pending, oldest {} s", lag.pending, lag.oldest_pending_ms / 1000);
    let lagging = lag.oldest_pending_ms > RELAY_LAG_MS;
    match &state.config.kafka_brokers {
        None => (if lagging { Status::Degraded } else { Status::Up }, format!("in-process relay; {lag_text}")),
        // The probe gets what is left of the budget (the lag query may have been slow), minus a
        // margin, so that an unreachable broker is reported as such rather than as a time-out.
        Some(brokers) => match crate::events::kafka::probe(
            brokers,
            timeout.saturating_sub(started.elapsed()).saturating_sub(Duration::from_millis(200)),
        )
        .await
        {
            Ok(n) => (if lagging { Status::Degraded } else { Status::Up }, format!("Kafka: {n} broker(s); {lag_text}")),
            Err(e) => (Status::Down, format!("Kafka at {brokers} unreachable ({e:#}); {lag_text}")),
        },
    }
}

fn tcp_target(url: &str, default_port: u16) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?;
    Some(format!("{host}:{}", parsed.port().unwrap_or(default_port)))
}

async fn smtp(state: &AppState) -> (Status, String) {
    use secrecy::ExposeSecret;
    let Some(url) = &state.config.smtp_url else {
        return (Status::Off, "SMTP_URL not set: emails wait in the outbox".into());
    };
    let url = url.expose_secret();
    let implicit_tls = url.starts_with("smtps:");
    let Some(target) = tcp_target(url, if implicit_tls { 465 } else { 25 }) else {
        return (Status::Down, "SMTP_URL has no host".into());
    };
    let mut stream = match tokio::net::TcpStream::connect(&target).await {
        Ok(s) => s,
        Err(e) => return (Status::Down, format!("SMTP relay {target}: {e}")),
    };
    if implicit_tls {
        return (Status::Up, format!("SMTP relay {target} accepts connections (TLS)"));
    }
    let mut greeting = [0u8; 64];
    match stream.read(&mut greeting).await {
        Ok(n) if greeting[..n].starts_with(b"220") => (Status::Up, format!("SMTP relay {target} greets")),
        Ok(n) => (Status::Down, format!("SMTP relay {target} answered {:?}", String::from_utf8_lossy(&greeting[..n]))),
        Err(e) => (Status::Down, format!("SMTP relay {target}: {e}")),
    }
}

async fn workers(state: &AppState) -> (Status, String) {
    let beats = match heartbeat::all(&state.db).await {
        Ok(b) => b,
        Err(e) => return (Status::Down, format!("heartbeats unreadable: {e}")),
    };
    let mut expected = vec!["auto_submit", "relay"];
    if state.config.smtp_url.is_some() {
        expected.push("email");
    }
    workers_status(&beats, &expected, now_ms())
}

/// Every expected worker beat recently, and no other recorded worker went stale.
pub fn workers_status(beats: &[heartbeat::Heartbeat], expected: &[&str], now: i64) -> (Status, String) {
    let mut problems = Vec::new();
    for name in expected {
        if !beats.iter().any(|b| b.worker == *name) {
            problems.push(format!("{name}: no heartbeat"));
        }
    }
    for b in beats.iter().filter(|b| heartbeat::is_stale(b, now)) {
        problems.push(format!("{}: last seen {} s ago", b.worker, (now - b.beat_at) / 1000));
    }
    if problems.is_empty() {
        let names: Vec<&str> = beats.iter().map(|b| b.worker.as_str()).collect();
        (Status::Up, format!("alive: {}", names.join(", ")))
    } else {
        (Status::Down, problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn galera_states() {
        assert_eq!(galera(&[]).0, Status::Up);
        let synced = vars(&[
            ("wsrep_cluster_status", "Primary"),
            ("wsrep_ready", "ON"),
            ("wsrep_local_state_comment", "Synced"),
            ("wsrep_cluster_size", "3"),
        ]);
        assert_eq!(galera(&synced), (Status::Up, "Galera: cluster Primary, 3 nodes, node Synced, ready ON".into()));
        let split = vars(&[("wsrep_cluster_status", "non-Primary"), ("wsrep_ready", "OFF")]);
        assert_eq!(galera(&split).0, Status::Degraded);
        let not_clustered =
            vars(&[("wsrep_cluster_status", "Disconnected"), ("wsrep_ready", "OFF"), ("wsrep_on", "OFF")]);
        assert_eq!(galera(&not_clustered), (Status::Up, "MariaDB (no Galera replication)".into()));
    }

    #[test]
    fn workers_missing_or_stale_are_down() {
        let beat = |w: &str, at: i64| heartbeat::Heartbeat { worker: w.into(), beat_at: at, every_ms: 5_000 };
        assert_eq!(
            workers_status(&[beat("relay", 0), beat("auto_submit", 0)], &["relay", "auto_submit"], 1_000).0,
            Status::Up
        );
        let (status, detail) = workers_status(&[beat("relay", 0)], &["relay", "auto_submit"], 1_000);
        assert_eq!(status, Status::Down);
        assert_eq!(detail, "auto_submit: no heartbeat");
        let (status, detail) = workers_status(&[beat("relay", 0)], &["relay"], 100_000);
        assert_eq!((status, detail.as_str()), (Status::Down, "relay: last seen 100 s ago"));
    }
}
