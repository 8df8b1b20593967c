//! Request metrics in the Prometheus text format, labelled by route pattern (never by raw path,
//! so ids do not explode the label space).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;

const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Counters and latency histograms per (method, route, status).
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut map) = self.requests.lock() {
            *map.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        }
        if let Ok(mut map) = self.latency.lock() {
            let h = map.entry((method.to_owned(), route.to_owned())).or_default();
            for (i, bound) in BUCKETS.iter().enumerate() {
                if seconds <= *bound {
                    h.counts[i] += 1;
                }
            }
            h.sum += seconds;
            h.count += 1;
        }
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP proctorwise_build_info Build information.\n# TYPE proctorwise_build_info gauge");
        let _ = writeln!(out, "proctorwise_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
        let _ = writeln!(
            out,
            "# HELP proctorwise_http_requests_total HTTP requests served.\n# TYPE proctorwise_http_requests_total counter"
        );
        if let Ok(map) = self.requests.lock() {
            for ((method, route, status), n) in map.iter() {
                let _ = writeln!(
                    out,
                    "proctorwise_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP proctorwise_http_request_duration_seconds Time to answer.\n# TYPE proctorwise_http_request_duration_seconds histogram"
        );
        if let Ok(map) = self.latency.lock() {
            for ((method, route), h) in map.iter() {
                let labels = format!("method=\"{method}\",route=\"{route}\"");
                for (bound, n) in BUCKETS.iter().zip(h.counts) {
                    let _ = writeln!(
                        out,
                        "proctorwise_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                    );
                }
                let _ = writeln!(
                    out,
                    "proctorwise_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(out, "proctorwise_http_request_duration_seconds_sum{{{labels}}} {}", h.sum);
                let _ = writeln!(out, "proctorwise_http_request_duration_seconds_count{{{labels}}} {}", h.count);
            }
        }
        out
    }
}

/// Middleware timing every routed request.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route =
        req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    let response = next.run(req).await;
    state.metrics().observe(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

impl AppState {
    /// This process's request counters and latencies.
    pub fn metrics(&self) -> &Metrics {
        self.part::<Arc<Metrics>>()
    }
}

/// `GET /metrics`.
pub async fn render(State(state): State<AppState>) -> Response {
    let mut body = state.metrics().render();
    let up = i32::from(state.db.ping(std::time::Duration::from_secs(1)).await.is_ok());
    let _ = writeln!(
        body,
        "# HELP proctorwise_database_up Whether the database answers.\n# TYPE proctorwise_database_up gauge\nproctorwise_database_up {up}"
    );
    if let Ok(lag) = crate::events::relay::lag(&state.db).await {
        let _ = writeln!(
            body,
            "# HELP proctorwise_events_pending Outbox events not yet published.\n# TYPE proctorwise_events_pending gauge\nproctorwise_events_pending {}",
            lag.pending
        );
        let _ = writeln!(
            body,
            "# HELP proctorwise_events_oldest_pending_ms Age of the oldest unpublished event (relay lag), ms.\n# TYPE proctorwise_events_oldest_pending_ms gauge\nproctorwise_events_oldest_pending_ms {}",
            lag.oldest_pending_ms
        );
    }
    for gauges in state.get::<super::OpsHooks>().map(|h| h.gauges.clone()).unwrap_or_default() {
        body.push_str(&gauges.render(&state).await);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::Metrics;

    #[test]
    fn histogram_is_cumulative() {
        let m = Metrics::default();
        m.observe("GET", "/x", 200, 0.02);
        m.observe("GET", "/x", 200, 3.0);
        let text = m.render();
        assert!(text.contains("proctorwise_http_requests_total{method=\"GET\",route=\"/x\",status=\"200\"} 2"));
        assert!(text.contains("le=\"0.025\"} 1"));
        assert!(text.contains("le=\"5\"} 2"));
        assert!(text.contains("le=\"+Inf\"} 2"));
    }
}
