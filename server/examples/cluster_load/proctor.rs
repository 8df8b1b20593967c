//! A proctor with the live panel open: its event stream (`/proctor/stream`) is read until the end
//! of the load and opened again a second after it is cut, as the browser's EventSource does.

use std::time::{Duration, Instant};

use crate::web::{Web, pause};

/// One connection of the stream.
#[derive(Clone, Debug)]
pub struct Connection {
    /// Ms since the start.
    pub opened_ms: u64,
    pub closed_ms: u64,
    /// Events received (keep-alive comments excluded).
    pub events: u64,
    /// When the last event came, ms since the start.
    pub last_event_ms: u64,
    /// Closed by the cluster (not by the end of the run).
    pub cut: bool,
}

/// The stream's history.
#[derive(Debug, Default)]
pub struct StreamLog {
    pub connections: Vec<Connection>,
    /// Attempts to open it that failed.
    pub refused: u64,
    pub failure: Option<String>,
}

pub async fn watch(web: Web, email: String, stop_at: Instant) -> StreamLog {
    let mut log = StreamLog::default();
    let mut browser = web.browser(usize::MAX / 2);
    if let Err(e) = browser.log_in(&email).await {
        log.failure = Some(format!("{e:#}"));
        return log;
    }
    while Instant::now() < stop_at {
        let mut response = match browser.stream("/proctor/stream").await {
            Ok(r) => r,
            Err(_) => {
                log.refused += 1;
                pause().await;
                continue;
            }
        };
        let mut connection =
            Connection { opened_ms: web.clock().now_ms(), closed_ms: 0, events: 0, last_event_ms: 0, cut: false };
        let mut pending = String::new();
        loop {
            let chunk = tokio::select! {
                chunk = response.chunk() => chunk,
                () = tokio::time::sleep_until(stop_at.into()) => break,
            };
            match chunk {
                Ok(Some(bytes)) => {
                    pending.push_str(&String::from_utf8_lossy(&bytes));
                    while let Some(end) = pending.find("\n\n") {
                        let event: String = pending.drain(..end + 2).collect();
                        if event.lines().any(|l| l.starts_with("data:")) {
                            connection.events += 1;
                            connection.last_event_ms = web.clock().now_ms();
                        }
                    }
                }
                Ok(None) | Err(_) => {
                    connection.cut = true;
                    break;
                }
            }
        }
        connection.closed_ms = web.clock().now_ms();
        let cut = connection.cut;
        log.connections.push(connection);
        if cut {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    log
}
