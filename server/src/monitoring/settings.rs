//! Monitoring settings (`PROCTORWISE_FRAME_*`, `PROCTORWISE_MONITOR_*`, `PROCTORWISE_RISK_WEIGHT_*`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::model::{RiskWeights, Severity};
use super::rules::RuleConfig;
use crate::config::Config;
use wasm_detector::Thresholds;

/// Everything the monitoring pipeline can be tuned with.
#[derive(Clone, Debug)]
pub struct MonitorSettings {
    /// Root of the local frame store (`PROCTORWISE_FRAME_DIR`, default `<data dir>/frames`).
    pub frame_dir: PathBuf,
    /// Frames older than this are deleted (`PROCTORWISE_FRAME_RETENTION_DAYS`, 0 = keep).
    pub retention_days: u64,
    /// Largest JPEG accepted (`PROCTORWISE_FRAME_MAX_BYTES`, default 512 KiB).
    pub max_frame_bytes: usize,
    /// Largest width and height accepted (`PROCTORWISE_FRAME_MAX_SIDE`).
    pub max_side: u32,
    /// Smallest width and height accepted.
    pub min_side: u32,
    /// Frames and events per session per 10 s (`PROCTORWISE_MONITOR_RATE_PER_10S`).
    pub rate_per_10s: i64,
    /// Frame interval asked of the browser (`PROCTORWISE_MONITOR_INTERVAL_MS`).
    pub interval_ms: i64,
    /// The browser sends one clean frame in N (`PROCTORWISE_MONITOR_BASELINE_EVERY`).
    pub baseline_every: i64,
    /// The browser gives up on its detector (and sends every frame for server analysis) when it
    /// has not loaded, or not answered a frame, within this time
    /// (`PROCTORWISE_MONITOR_DETECTOR_TIMEOUT_SECONDS`, default 90: the first load downloads
    /// about 30 MB of WebAssembly and models).
    pub detector_timeout_ms: i64,
    /// A session without frames for this long is closed (`PROCTORWISE_MONITOR_ABANDON_SECONDS`).
    pub abandon_after: Duration,
    /// Capacity of the re-verification queue (`PROCTORWISE_VERIFY_QUEUE`).
    pub queue_size: usize,
    /// Re-verification workers (`PROCTORWISE_VERIFY_WORKERS`): threads of their own, at a lower
    /// OS priority than request handling, so that analysis never starves ingestion.
    pub workers: usize,
    /// Share of the sampled clean pictures the server also analyses, 0–1
    /// (`PROCTORWISE_VERIFY_SAMPLE_SHARE`, default 0.5): which ones is random, so no client can
    /// predict which of its pictures are checked.
    pub sample_share: f64,
    /// CPU the analysis of sampled clean pictures may use, in percent of one core
    /// (`PROCTORWISE_VERIFY_SAMPLE_CPU_PERCENT`, default 25); flagged frames are not limited.
    pub sample_cpu_percent: u32,
    /// This replica's name in verification claims (`PROCTORWISE_REPLICA_ID`, default host name
    /// and port): frames it had queued go back to pending when it starts again.
    pub replica_id: String,
    /// Rows of the proctor's active-sessions table (`PROCTORWISE_PANEL_ROWS`); the others are
    /// counted, riskiest sessions first.
    pub panel_rows: usize,
    /// Timeout of every HDFS call (`PROCTORWISE_HDFS_TIMEOUT_SECONDS`).
    pub hdfs_timeout: Duration,
    /// Rules (thresholds, cooldown, `PROCTORWISE_CONNECTION_LOST_SEVERITY`).
    pub rules: RuleConfig,
    /// Risk weights.
    pub weights: RiskWeights,
}

impl MonitorSettings {
    /// Defaults, frames under `data_dir/frames`.
    pub fn defaults(data_dir: &Path) -> Self {
        Self {
            frame_dir: data_dir.join("frames"),
            retention_days: 30,
            max_frame_bytes: 512 * 1024,
            max_side: 1920,
            min_side: 32,
            rate_per_10s: 20,
            interval_ms: 2_000,
            baseline_every: 15,
            detector_timeout_ms: 90_000,
            abandon_after: Duration::from_secs(120),
            queue_size: 256,
            workers: 2,
            sample_share: 0.5,
            sample_cpu_percent: 25,
            replica_id: "local".into(),
            panel_rows: 200,
            hdfs_timeout: Duration::from_secs(10),
            rules: RuleConfig::default(),
            weights: RiskWeights::default(),
        }
    }

    /// Reads the environment over the defaults; the rules count faces and objects with the
    /// detection thresholds, and the replica id defaults to this machine's name and port.
    pub fn from_env(config: &Config, thresholds: &Thresholds) -> anyhow::Result<Self> {
        let mut s = Self::defaults(&config.data_dir);
        s.rules.face_threshold = thresholds.face;
        s.rules.object_threshold = thresholds.object;
        s.rules.forbidden_objects = thresholds.forbidden.clone();
        s.replica_id = format!("{}:{}", host_name(), config.bind.port());
        if let Some(dir) = var("PROCTORWISE_FRAME_DIR") {
            s.frame_dir = PathBuf::from(dir);
        }
        s.retention_days = parse("PROCTORWISE_FRAME_RETENTION_DAYS", s.retention_days)?;
        s.max_frame_bytes = parse("PROCTORWISE_FRAME_MAX_BYTES", s.max_frame_bytes)?;
        s.max_side = parse("PROCTORWISE_FRAME_MAX_SIDE", s.max_side)?;
        s.rate_per_10s = parse("PROCTORWISE_MONITOR_RATE_PER_10S", s.rate_per_10s)?;
        s.interval_ms = parse("PROCTORWISE_MONITOR_INTERVAL_MS", s.interval_ms)?.max(200);
        s.baseline_every = parse("PROCTORWISE_MONITOR_BASELINE_EVERY", s.baseline_every)?.max(1);
        s.detector_timeout_ms = 1000 * parse("PROCTORWISE_MONITOR_DETECTOR_TIMEOUT_SECONDS", 90i64)?.max(1);
        s.abandon_after = Duration::from_secs(parse("PROCTORWISE_MONITOR_ABANDON_SECONDS", 120u64)?);
        s.queue_size = parse("PROCTORWISE_VERIFY_QUEUE", s.queue_size)?.max(1);
        s.workers = parse("PROCTORWISE_VERIFY_WORKERS", s.workers)?.max(1);
        s.sample_share = parse("PROCTORWISE_VERIFY_SAMPLE_SHARE", s.sample_share)?;
        if !(0.0..=1.0).contains(&s.sample_share) {
            anyhow::bail!("PROCTORWISE_VERIFY_SAMPLE_SHARE must be a number from 0 to 1");
        }
        s.sample_cpu_percent = parse("PROCTORWISE_VERIFY_SAMPLE_CPU_PERCENT", s.sample_cpu_percent)?.min(800);
        if let Some(id) = var("PROCTORWISE_REPLICA_ID") {
            s.replica_id = id.trim().chars().take(100).collect();
        }
        s.panel_rows = parse("PROCTORWISE_PANEL_ROWS", s.panel_rows)?.max(1);
        s.hdfs_timeout = Duration::from_secs(parse("PROCTORWISE_HDFS_TIMEOUT_SECONDS", 10u64)?.max(1));
        s.rules.frame_interval_ms = s.interval_ms;
        // Silence longer than a reload of the exam page on a slow machine (README).
        s.rules.lost_after_intervals =
            parse("PROCTORWISE_MONITOR_LOST_AFTER_INTERVALS", s.rules.lost_after_intervals)?.max(1);
        if let Some(raw) = var("PROCTORWISE_CONNECTION_LOST_SEVERITY") {
            s.rules.connection_lost_severity = Severity::parse(raw.trim()).ok_or_else(|| {
                anyhow::anyhow!("PROCTORWISE_CONNECTION_LOST_SEVERITY must be low, medium, high or critical")
            })?;
        }
        s.weights = RiskWeights {
            low: parse("PROCTORWISE_RISK_WEIGHT_LOW", s.weights.low)?,
            medium: parse("PROCTORWISE_RISK_WEIGHT_MEDIUM", s.weights.medium)?,
            high: parse("PROCTORWISE_RISK_WEIGHT_HIGH", s.weights.high)?,
            critical: parse("PROCTORWISE_RISK_WEIGHT_CRITICAL", s.weights.critical)?,
        };
        Ok(s)
    }
}

impl Config {
    /// The monitoring section (frame store, limits, queue, rules, risk weights).
    pub fn monitoring(&self) -> &MonitorSettings {
        self.section()
    }

    /// The monitoring section, to change it (tests and tools).
    pub fn monitoring_mut(&mut self) -> &mut MonitorSettings {
        self.section_mut()
    }
}

/// This machine's name (for the replica id), or `localhost`.
fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().chars().take(80).collect::<String>())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|e| anyhow::anyhow!("{name}={raw:?} is not valid: {e}")),
    }
}
