//! Webcam monitoring: sessions bound to attempts, frame and browser-event ingestion, the rules
//! engine, server re-verification of the browser's flags, frame storage, and the proctor's live
//! panels (htmx + server-sent events).

pub mod exam_settings;
pub mod explain;
pub mod ingest;
pub mod lifecycle;
pub mod messages;
pub mod model;
pub mod panels;
pub mod parts;
pub mod rules;
pub mod settings;
pub mod storage;
pub mod store;
pub mod verify;
pub mod worker;

pub use explain::{AttemptIntegrity, integrity_of_attempts, may_see_evidence};
pub use lifecycle::{Watched, start_in};
pub use verify::{FrameAnalyzer, VerifyQueue};

use crate::routing::Routes;
use panels::{assignments, handlers, live};

/// Routes of the monitoring context.
pub fn routes() -> Routes {
    Routes::new()
        .post("/monitoring/sessions/{session_id}/frames", ingest::post_frame)
        .post("/monitoring/sessions/{session_id}/events", ingest::post_event)
        .get("/monitoring/frames/{frame_id}", storage::serve::get_frame)
        .get("/proctor", handlers::panel)
        .get("/proctor/stream", live::panel_stream)
        .get("/proctor/history", handlers::history)
        .get("/proctor/sessions/{session_id}", handlers::detail)
        .get("/proctor/sessions/{session_id}/stream", live::session_stream)
        .post("/proctor/sessions/{session_id}/reviewed", handlers::mark_reviewed)
        .post("/proctor/anomalies/{anomaly_id}/review", handlers::review_anomaly)
        .get("/proctor/assignments", assignments::page)
        .post("/proctor/assignments", assignments::change)
        .get("/api/v1/monitoring/sessions/{session_id}/anomalies", explain::list_anomalies)
}

/// OpenAPI `paths` entries of this context's JSON API.
pub fn openapi_paths() -> serde_json::Value {
    explain::openapi_paths()
}

/// Background tasks of this replica: verification workers, the pending-frame sweeper, and the
/// timer (connection lost, vanished browsers, frame retention).
pub fn start(state: &crate::app::AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = verify::start_workers(state);
    tasks.push(tokio::spawn(worker::run(state.clone())));
    tasks
}

/// What the student sees on their result page when a proctor stopped the exam.
pub async fn proctor_stop_notice(
    db: &crate::db::Db,
    attempt_id: &str,
    lang: crate::i18n::Lang,
) -> sqlx::Result<Option<maud::Markup>> {
    Ok(lifecycle::proctor_stop_of_attempt(db, attempt_id)
        .await?
        .map(|(note, at)| panels::views::stop_notice(lang, &note, at)))
}

/// The `data-monitor-*` attributes of the take page (MONITORING-CONTRACT).
#[derive(Clone, Debug)]
pub struct TakeAttrs {
    /// Frame ingestion endpoint.
    pub frames_url: String,
    /// Browser event endpoint.
    pub events_url: String,
    /// Frame interval, ms.
    pub interval_ms: i64,
    /// Face score threshold.
    pub face_threshold: f32,
    /// Object score threshold.
    pub object_threshold: f32,
    /// Forbidden COCO labels, comma-separated (the browser flags the same objects as the rules).
    pub forbidden_objects: String,
    /// The browser falls back to server analysis when its detector has not loaded, or has not
    /// answered a frame, within this many ms.
    pub detector_timeout_ms: i64,
}

/// The take page's monitoring attributes for the attempt's active session (started again if
/// the browser had vanished); `None` when monitoring of this attempt is over.
pub async fn take_attrs(state: &crate::app::AppState, watched: &Watched<'_>) -> sqlx::Result<Option<TakeAttrs>> {
    let exam_id = watched.exam_id;
    let Some(session) = lifecycle::ensure_active(state, watched).await? else {
        return Ok(None);
    };
    let m = state.config.monitoring();
    // The browser flags what this session's rules count (the exam's own labels, or none when
    // its object checks are off).
    let mut conn = state.db.pool().acquire().await?;
    let detection = exam_settings::SessionDetection::of_session(&mut conn, state, &session, exam_id).await?;
    let rules = detection.rules(&m.rules);
    Ok(Some(TakeAttrs {
        frames_url: format!("/monitoring/sessions/{session}/frames"),
        events_url: format!("/monitoring/sessions/{session}/events"),
        interval_ms: m.interval_ms,
        face_threshold: m.rules.face_threshold,
        object_threshold: m.rules.object_threshold,
        forbidden_objects: rules.forbidden_objects.join(","),
        detector_timeout_ms: m.detector_timeout_ms,
    }))
}
