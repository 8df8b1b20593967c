//! Monitoring through the real router: sessions bound to attempts, ingestion checks and
//! ownership, anomalies and their events, re-verification with back-pressure, the proctor's
//! decisions, stopping with a reason, restarts, vanished browsers, frame access.

mod explain;
mod explain_reports;
mod forbidden;
mod panels;
mod pipeline;
mod real_models;
mod storage;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use proctorwise::Config;
use proctorwise::db::DbText;
use proctorwise::exams::model::ReleaseMode;
use proctorwise::monitoring::FrameAnalyzer;
use serde_json::{Value, json};

use crate::exam_scenario::Scenario;
use crate::fixtures::jpeg;
use crate::helpers::{Backend, Client, TestApp, TestResponse};

/// TEST ONLY: a deterministic stand-in for the real detector, to exercise the queue and the
/// back-pressure mechanics (the lead's real-model tests cover detection itself). It "sees"
/// the faces it was built with, after a delay.
pub struct FixedTestAnalyzer {
    pub faces: Vec<f32>,
    pub delay: Duration,
}

impl FrameAnalyzer for FixedTestAnalyzer {
    fn analyze(&self, jpeg: &[u8]) -> anyhow::Result<wasm_detector::Detections> {
        anyhow::ensure!(jpeg.starts_with(&[0xFF, 0xD8]), "not a JPEG");
        std::thread::sleep(self.delay);
        Ok(wasm_detector::Detections {
            faces: self.faces.iter().map(|s| wasm_detector::Face { score: *s, bbox: [0.0, 0.0, 10.0, 10.0] }).collect(),
            objects: Vec::new(),
            width: 64,
            height: 48,
            ms: 1,
        })
    }
}

/// Fast rules so a test does not wait seconds: absence after 300 ms, cooldown 300 ms.
pub fn fast_rules(config: &mut Config) {
    config.monitoring.rules.face_absent_after_ms = 300;
    config.monitoring.rules.cooldown_ms = 300;
}

pub async fn fast_app(backend: Backend) -> TestApp {
    TestApp::with_config(backend, fast_rules).await
}

/// A student in a started attempt, with the session the take page points at.
pub struct Taking {
    pub s: Scenario,
    pub attempt_id: String,
    pub session_id: String,
}

impl Taking {
    pub async fn new(app: &TestApp) -> Taking {
        let s = Scenario::new(app, ReleaseMode::Immediate).await;
        let attempt_id = s.start().await;
        let page = s.student_client.get(&format!("/attempts/{attempt_id}/q/1")).await;
        page.assert_status(StatusCode::OK);
        let marker = "data-monitor-frames=\"/monitoring/sessions/";
        let at = page.body.find(marker).expect("the take page carries the frame endpoint") + marker.len();
        let session_id = page.body[at..at + 36].to_owned();
        page.assert_contains(&format!("data-monitor-events=\"/monitoring/sessions/{session_id}/events\""))
            .assert_contains("data-monitor-interval-ms=\"2000\"")
            .assert_contains("data-monitor-face-threshold=\"0.5\"")
            .assert_contains("data-monitor-object-threshold=\"0.65\"")
            .assert_contains("data-detector-base=\"/static/detector/\"");
        Taking { s, attempt_id, session_id }
    }

    pub fn client(&self) -> &Client {
        &self.s.student_client
    }

    pub fn frames_url(&self) -> String {
        format!("/monitoring/sessions/{}/frames", self.session_id)
    }

    /// Posts a verdict (faces scores, objects) with an optional JPEG.
    pub async fn frame(&self, seq: i64, faces: &[f32], objects: &[(&str, f32)], with_jpeg: bool) -> TestResponse {
        post_frame(self.client(), &self.frames_url(), seq, faces, objects, with_jpeg).await
    }

    pub async fn event(&self, kind: &str) -> TestResponse {
        let url = format!("/monitoring/sessions/{}/events", self.session_id);
        self.client().post_json_csrf(&url, json!({"kind": kind, "at": 1})).await
    }
}

pub fn verdict(seq: i64, faces: &[f32], objects: &[(&str, f32)], analyzed: bool) -> Vec<u8> {
    json!({
        "seq": seq, "captured_at": 1_763_800_000_000_i64, "analyzed": analyzed,
        "faces": faces.iter().map(|s| json!({"score": s, "box": [1, 2, 3, 4]})).collect::<Vec<_>>(),
        "objects": objects.iter().map(|(l, s)| json!({"label": l, "score": s, "box": [1, 2, 3, 4]})).collect::<Vec<_>>(),
        "timings": {"faces_ms": 20, "objects_ms": 0}, "width": 640, "height": 480
    })
    .to_string()
    .into_bytes()
}

pub async fn post_frame(
    client: &Client,
    url: &str,
    seq: i64,
    faces: &[f32],
    objects: &[(&str, f32)],
    with_jpeg: bool,
) -> TestResponse {
    let mut parts = vec![("verdict", "application/json", verdict(seq, faces, objects, true))];
    if with_jpeg {
        parts.push(("frame", "image/jpeg", jpeg(64, 48)));
    }
    client.post_multipart(url, &parts).await
}

/// (kind, severity, method, verification, review) of a session's anomalies, oldest first.
pub async fn anomalies(app: &TestApp, session_id: &str) -> Vec<(String, String, String, String, String)> {
    sqlx::query_as(
        "SELECT kind, severity, method, verification, review FROM monitoring_anomalies WHERE session_id = ? \
         ORDER BY detected_at, kind",
    )
    .bind(session_id)
    .fetch_all(app.state.db.pool())
    .await
    .expect("anomalies")
}

pub async fn count(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql).bind(bind).fetch_one(app.state.db.pool()).await.expect("count")
}

/// Payloads of the outbox rows of one type.
pub async fn outbox(app: &TestApp, event_type: &str) -> Vec<Value> {
    let rows: Vec<DbText> =
        sqlx::query_scalar("SELECT payload FROM outbox WHERE event_type = ? ORDER BY occurred_at, id")
            .bind(event_type)
            .fetch_all(app.state.db.pool())
            .await
            .expect("outbox");
    rows.into_iter().map(|p| serde_json::from_str(&p.0).expect("json")).collect()
}

/// Starts the verification workers with a test analyzer on a copy of the app's state.
pub fn start_workers(app: &TestApp, analyzer: FixedTestAnalyzer) -> Vec<tokio::task::JoinHandle<()>> {
    let mut state = app.state.clone();
    state.analyzer = Some(Arc::new(analyzer));
    proctorwise::monitoring::verify::start_workers(&state)
}

/// Waits (up to 15 s) until `check` holds.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..150 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}");
}
