//! The rules engine's data: thresholds, inputs, the state stored on the session row, and what
//! the engine asks the caller to store.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::monitoring::model::{Kind, Severity};

/// Objects a student must not have in view by default (COCO labels; the prototype's list).
pub const FORBIDDEN_OBJECTS: [&str; 3] = ["cell phone", "book", "laptop"];

/// Thresholds and timings of the rules.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleConfig {
    /// A face must be missing this long before `face_absent`.
    pub face_absent_after_ms: i64,
    /// A condition must be gone this long before its episode ends.
    pub cooldown_ms: i64,
    /// Expected time between two frames from the browser.
    pub frame_interval_ms: i64,
    /// No frame for more than this many intervals → `connection_lost`.
    pub lost_after_intervals: i64,
    /// Severity of `connection_lost`.
    pub connection_lost_severity: Severity,
    /// Critical anomalies within the window that raise a `high_risk_alert`.
    pub high_risk_count: usize,
    /// The high-risk window.
    pub high_risk_window_ms: i64,
    /// Face checks run (face absent, several faces); an exam may turn them off.
    pub check_faces: bool,
    /// A face counts from this score.
    pub face_threshold: f32,
    /// An object counts from this score.
    pub object_threshold: f32,
    /// COCO labels that are forbidden (`PROCTORWISE_FORBIDDEN_OBJECTS`, the same list as the
    /// detection verdict's and the browser's).
    pub forbidden_objects: Vec<String>,
}

impl Default for RuleConfig {
    fn default() -> Self {
        Self {
            face_absent_after_ms: 5_000,
            cooldown_ms: 10_000,
            frame_interval_ms: 2_000,
            // 10 s at the default interval: well above the longest silence a reload of the exam
            // page left on a throttled browser, 3.9 s (README, `PROCTORWISE_MONITOR_LOST_AFTER_INTERVALS`).
            lost_after_intervals: 5,
            connection_lost_severity: Severity::Medium,
            high_risk_count: 3,
            high_risk_window_ms: 60_000,
            check_faces: true,
            face_threshold: 0.5,
            object_threshold: 0.65,
            forbidden_objects: FORBIDDEN_OBJECTS.iter().map(|l| (*l).to_owned()).collect(),
        }
    }
}

/// What a detector saw in one frame (the browser's verdict or the server's analysis).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observation {
    /// Face scores.
    pub faces: Vec<f32>,
    /// Objects: (label, score).
    pub objects: Vec<(String, f32)>,
    /// The stored frame this observation is about, if the JPEG was kept.
    pub frame_id: Option<String>,
    /// Only faces were looked at: the objects are unknown (not "none").
    pub faces_only: bool,
}

/// A browser event (`POST …/events`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrowserEvent {
    /// The exam tab was hidden.
    TabHidden,
    /// The exam tab is visible again.
    TabVisible,
    /// Camera refused or its track ended.
    WebcamDisabled,
    /// The camera works again.
    WebcamRestored,
    /// The WASM detector cannot run: frames come without a verdict.
    DetectorUnavailable,
}

/// One input of the engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Input<'a> {
    /// A frame arrived (with or without a usable verdict).
    Heartbeat,
    /// What a detector saw.
    Seen(&'a Observation),
    /// A browser event.
    Browser(BrowserEvent),
    /// The session's pictures cannot be trusted (`withheld` requested pictures, or pictures `inconsistent` with the browser's verdicts).
    Incomplete {
        /// Why.
        reason: &'static str,
        /// How many frames showed it.
        count: i64,
    },
    /// Time passed (background check for a silent browser); `last_frame_at` is the session's.
    Tick {
        /// Last frame (or session start when none came).
        last_frame_at: i64,
    },
}

/// One condition being tracked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Track {
    /// When the condition was first seen in this episode.
    pub since: i64,
    /// When it was last seen true.
    pub last_seen: i64,
    /// When it was first seen false again (cooldown running).
    pub cleared_at: Option<i64>,
    /// The anomaly of this episode, once opened.
    pub anomaly_id: Option<String>,
    /// Highest confidence seen.
    pub confidence: f32,
}

/// Everything the engine remembers about a session.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleState {
    /// Tracked conditions by key (`face_absent`, `multiple_faces`, `object:book`, `tab`, `webcam`, `connection`).
    #[serde(default)]
    pub tracks: BTreeMap<String, Track>,
    /// Times of recent critical anomalies.
    #[serde(default)]
    pub criticals: Vec<i64>,
    /// Last `high_risk_alert`.
    #[serde(default)]
    pub last_alert_at: Option<i64>,
    /// Time of the newest observation applied (older ones arriving late are not replayed).
    #[serde(default)]
    pub last_seen_at: Option<i64>,
}

/// An anomaly the engine opens.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    /// Id (also kept in the track, to close it later).
    pub id: String,
    /// Type.
    pub kind: Kind,
    /// Severity.
    pub severity: Severity,
    /// Episode start.
    pub started_at: i64,
    /// Emission time.
    pub detected_at: i64,
    /// 0..=1.
    pub confidence: f32,
    /// Details (label, counts…).
    pub details: Value,
    /// Evidence frame.
    pub frame_id: Option<String>,
    /// Whether a detector saw it (then the method is `client` or `server_verified`), else `rule`.
    pub from_detector: bool,
}

/// What the caller must store.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A new anomaly.
    Open(Opened),
    /// An episode ended.
    Close {
        /// The anomaly.
        anomaly_id: String,
        /// When the condition stopped.
        ended_at: i64,
    },
}
