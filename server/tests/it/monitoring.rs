//! Monitoring through the real router: sessions bound to attempts, ingestion checks and
//! ownership, anomalies and their events, re-verification with back-pressure, the proctor's
//! decisions, stopping with a reason, restarts, vanished browsers, frame access.

mod explain;
mod explain_reports;
mod forbidden;
mod lane;
mod panels;
mod pipeline;
mod real_models;
mod storage;
mod verdicts;
mod wakeups;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use proctorwise::Config;
use proctorwise::clock::Clock;
use proctorwise::db::DbText;
use proctorwise::exams::model::ReleaseMode;
use proctorwise::monitoring::FrameAnalyzer;
use serde_json::{Value, json};

use crate::exam_scenario::Scenario;
use crate::fixtures::jpeg;
use crate::helpers::{Backend, Client, TestApp, TestResponse};

/// A test picture that shows `faces` (scores) and `objects`: what it shows is written in a JPEG
/// comment, which [`SceneAnalyzer`] reads (the real models are covered by `real_models`).
pub fn picture(faces: &[f32], objects: &[(&str, f32)]) -> Vec<u8> {
    let scene = json!({"faces": faces, "objects": objects}).to_string().into_bytes();
    let len = u16::try_from(scene.len() + 2).expect("short scene");
    let plain = jpeg(64, 48);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&scene);
    out.extend_from_slice(&plain[2..]);
    out
}

/// What the camera shows, for the tests that speak of scenes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scene {
    /// One face.
    OneFace,
    /// Two faces.
    TwoFaces,
    /// Nobody.
    Empty,
    /// One face and a cell phone.
    Phone,
}

impl Scene {
    pub fn jpeg(self) -> Vec<u8> {
        match self {
            Scene::OneFace => picture(&[0.9], &[]),
            Scene::TwoFaces => picture(&[0.93, 0.88], &[]),
            Scene::Empty => picture(&[], &[]),
            Scene::Phone => picture(&[0.9], &[("cell phone", 0.71)]),
        }
    }
}

/// TEST ONLY: the server's analysis of a [`picture`]: it "sees" what the picture's comment says
/// (a plain picture shows one face).
pub struct SceneAnalyzer;

impl FrameAnalyzer for SceneAnalyzer {
    fn analyze(&self, bytes: &[u8]) -> anyhow::Result<wasm_detector::Detections> {
        let img = image::load_from_memory(bytes)?;
        let scene: Value = match bytes.get(2..4) {
            Some([0xFF, 0xFE]) => {
                let len = usize::from(u16::from_be_bytes([bytes[4], bytes[5]]));
                serde_json::from_slice(&bytes[6..4 + len])?
            }
            _ => json!({"faces": [0.9], "objects": []}),
        };
        let num = |v: &Value| v.as_f64().unwrap_or(0.0) as f32;
        let faces = scene["faces"].as_array().into_iter().flatten();
        let objects = scene["objects"].as_array().into_iter().flatten();
        Ok(wasm_detector::Detections {
            faces: faces.map(|s| wasm_detector::Face { score: num(s), bbox: [0.0, 0.0, 10.0, 10.0] }).collect(),
            objects: objects
                .map(|o| wasm_detector::Object {
                    label: o[0].as_str().unwrap_or_default().to_owned(),
                    score: num(&o[1]),
                    bbox: [0.0, 0.0, 5.0, 5.0],
                })
                .collect(),
            width: img.width(),
            height: img.height(),
            ms: 1,
            face_input: 0,
        })
    }

    fn models(&self, _detections: &wasm_detector::Detections) -> Value {
        json!({"faces": "scene faces", "objects": "scene objects"})
    }
}

/// Fast rules so a test does not wait seconds: absence after 300 ms, cooldown 300 ms.
pub fn fast_rules(config: &mut Config) {
    config.monitoring_mut().rules.face_absent_after_ms = 300;
    config.monitoring_mut().rules.cooldown_ms = 300;
}

/// [`fast_rules`] on a manual clock: the test moves the time (`app.state.clock.advance`)
/// instead of sleeping for the thresholds.
pub async fn fast_app(backend: Backend) -> TestApp {
    TestApp::with_state(backend, fast_rules, |s| s.clock = Clock::manual()).await
}

/// A student in a started attempt, with the session the take page points at.
pub struct Taking {
    pub s: Scenario,
    pub attempt_id: String,
    pub session_id: String,
}

impl Taking {
    pub async fn new(app: &TestApp) -> Taking {
        Taking::from_scenario(Scenario::new(app, ReleaseMode::Immediate).await).await
    }

    /// Starts the scenario's attempt and opens its take page.
    pub async fn from_scenario(s: Scenario) -> Taking {
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

    /// Posts the browser's verdict (faces, objects) with the picture of `scene`, captured
    /// `ago` ms before now.
    pub async fn shows(
        &self,
        seq: i64,
        faces: &[f32],
        objects: &[(&str, f32)],
        scene: Scene,
        ago: i64,
    ) -> TestResponse {
        let mut v: Value = serde_json::from_slice(&verdict(seq, faces, objects, true)).expect("json");
        v["captured_at"] = json!(proctorwise::db::now_ms() - ago);
        let parts =
            [("verdict", "application/json", v.to_string().into_bytes()), ("frame", "image/jpeg", scene.jpeg())];
        self.client().post_multipart(&self.frames_url(), &parts).await
    }

    /// Waits until no picture of the session waits for the server.
    pub async fn settled(&self, app: &TestApp) {
        let (db, session) = (app.state.db.clone(), self.session_id.clone());
        eventually("every picture is analysed", || {
            let (db, session) = (db.clone(), session.clone());
            async move {
                let waiting: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ? AND verification IN ('queued', 'pending')",
                )
                .bind(&session)
                .fetch_one(db.pool())
                .await
                .unwrap_or(1);
                waiting == 0
            }
        })
        .await;
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
        "seq": seq, "captured_at": proctorwise::db::now_ms(), "analyzed": analyzed,
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
        // An honest browser: the picture shows what its verdict says.
        parts.push(("frame", "image/jpeg", picture(faces, objects)));
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
pub fn start_workers(app: &TestApp, analyzer: impl FrameAnalyzer) -> Vec<tokio::task::JoinHandle<()>> {
    let mut state = app.state.clone();
    state.set_analyzer(Arc::new(analyzer));
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
