//! What monitoring keeps in the application state: where frames are stored, the full models
//! that re-verify flagged frames, and this replica's verification queue.

use std::sync::Arc;

use async_trait::async_trait;

use super::ingest::lane::FrameLane;
use super::storage::{self, FrameStore, LocalStore};
use super::verify::{FrameAnalyzer, VerifyQueue};
use crate::app::AppState;
use crate::config::Config;
use crate::ops::components::Status;
use crate::ops::{Check, Gauges};

/// Monitoring's part of [`AppState`].
#[derive(Clone)]
pub struct MonitoringParts {
    /// Where frame JPEGs are stored (local filesystem, or HDFS when `HDFS_URL` is set).
    frames: Arc<dyn FrameStore>,
    /// Full-model frame analysis for server re-verification; `None` = models not configured
    /// (flagged frames stay pending verification, never dropped).
    analyzer: Option<Arc<dyn FrameAnalyzer>>,
    /// The bounded re-verification queue of this replica.
    verifier: Arc<VerifyQueue>,
    /// Where this replica's frames wait to be decided together.
    lane: Arc<FrameLane>,
}

impl MonitoringParts {
    /// The parts `config` asks for; an error when its frame store cannot be built (HDFS without
    /// the feature), so the server refuses to start.
    pub fn new(config: &Config) -> anyhow::Result<Self> {
        let m = config.monitoring();
        let frames = storage::from_config(config.hdfs_url.as_deref(), &m.frame_dir, m.hdfs_timeout)?;
        Ok(Self::with_store(config, frames))
    }

    /// Like [`Self::new`], falling back to the local frame directory (a second state in tests).
    pub fn or_local(config: &Config) -> Self {
        Self::new(config).unwrap_or_else(|e| {
            tracing::error!(error = format!("{e:#}"), "frame store unavailable; frames go to the local directory");
            Self::with_store(config, Arc::new(LocalStore::new(&config.monitoring().frame_dir)))
        })
    }

    fn with_store(config: &Config, frames: Arc<dyn FrameStore>) -> Self {
        let m = config.monitoring();
        let verifier = Arc::new(VerifyQueue::new(m.queue_size, &m.replica_id, m.sample_cpu_percent));
        Self { frames, analyzer: None, verifier, lane: Arc::default() }
    }
}

impl AppState {
    /// Where frame JPEGs are stored.
    pub fn frames(&self) -> &Arc<dyn FrameStore> {
        &self.part::<MonitoringParts>().frames
    }

    /// The full models re-verifying flagged frames, if they are loaded.
    pub fn analyzer(&self) -> Option<&Arc<dyn FrameAnalyzer>> {
        self.part::<MonitoringParts>().analyzer.as_ref()
    }

    /// Loads the full models into this state (before the state is shared).
    pub fn set_analyzer(&mut self, analyzer: Arc<dyn FrameAnalyzer>) {
        self.part_mut::<MonitoringParts>().analyzer = Some(analyzer);
    }

    /// This replica's frame lane.
    pub fn frame_lane(&self) -> &Arc<FrameLane> {
        &self.part::<MonitoringParts>().lane
    }

    /// This replica's verification queue.
    pub fn verifier(&self) -> &Arc<VerifyQueue> {
        &self.part::<MonitoringParts>().verifier
    }
}

/// The store the server really writes frames to (local directory or HDFS), probed the way it is
/// used: an object written, read back and removed.
pub struct StorageCheck;

#[async_trait]
impl Check for StorageCheck {
    fn name(&self) -> &'static str {
        "storage"
    }

    async fn check(&self, state: &AppState) -> (Status, String) {
        match state.frames().probe().await {
            Ok(detail) => (Status::Up, detail),
            Err(e) => (Status::Down, format!("{} frame store: {e:#}", state.frames().name())),
        }
    }
}

/// The verification queue's gauges, the frames still waiting for verification, and how frames
/// were grouped.
pub struct MonitoringGauges;

#[async_trait]
impl Gauges for MonitoringGauges {
    async fn render(&self, state: &AppState) -> String {
        let pending = super::storage::frame_queries::pending_count(&state.db, crate::db::now_ms()).await.unwrap_or(-1);
        state.verifier().render(pending) + &state.frame_lane().render()
    }
}
