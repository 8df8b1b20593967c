//! Server-side detection: the full models (wasm-detector's native build) re-verify frames the
//! browser flagged and power `proctorwise detect`. Configuration says which model files to load
//! and which single-frame thresholds apply.

pub mod cli;
mod config;
mod handlers;
pub mod messages;
pub mod views;

use std::sync::Arc;

use anyhow::Context;
use wasm_detector::{Detections, Detector, DetectorConfig, Flag, Rgba, Thresholds};

pub use config::{DetectionConfig, default_object_threshold, forbidden_objects};

use crate::routing::Routes;

/// Routes of the detection context.
pub fn routes() -> Routes {
    Routes::new().get("/system-check", handlers::system_check)
}

/// The loaded server models with the verdict thresholds; cheap to clone, safe to share between
/// worker threads (tract plans run through `&self`).
#[derive(Clone)]
pub struct ServerDetector {
    detector: Arc<Detector>,
    thresholds: Thresholds,
    /// Which models run (`{"faces": …, "objects": …}`), stored with each anomaly they open.
    models: serde_json::Value,
}

/// A model's name for people: its kind and its file.
fn model_name(kind: impl std::fmt::Debug, path: &std::path::Path) -> String {
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    format!("{kind:?} ({file})")
}

impl ServerDetector {
    /// Loads the configured face model and, unless disabled, the object model.
    pub fn load(config: &DetectionConfig) -> anyhow::Result<Self> {
        let read = |path: &std::path::Path| {
            std::fs::read(path).with_context(|| format!("cannot read model {} (run models/fetch.sh)", path.display()))
        };
        let face = read(&config.face_model)?;
        let objects = config.object_model.as_deref().map(read).transpose()?;
        let detector = Detector::load(
            (config.face_kind, &face),
            objects.as_deref().map(|b| (config.object_kind, b)),
            DetectorConfig {
                face_score: config.thresholds.face.min(0.5),
                object_score: config.thresholds.object.min(0.3),
                face_side: config.face_side,
                tiles: config.object_tiles,
            },
        )
        .map_err(|e| anyhow::anyhow!(e))?;
        let models = serde_json::json!({
            "faces": format!("{}, {} px", model_name(config.face_kind, &config.face_model), config.face_side),
            "objects": config.object_model.as_deref().map(|p| model_name(config.object_kind, p)),
        });
        Ok(Self { detector: Arc::new(detector), thresholds: config.thresholds.clone(), models })
    }

    /// The verdict thresholds.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// Decodes a JPEG or PNG and runs every model (CPU-heavy: call from a blocking thread).
    pub fn analyze_image(&self, bytes: &[u8]) -> anyhow::Result<Detections> {
        let img = image::load_from_memory(bytes).context("not a readable JPEG or PNG image")?.to_rgba8();
        let rgba = Rgba::new(img.width(), img.height(), img.as_raw()).map_err(|e| anyhow::anyhow!(e))?;
        self.detector.detect(rgba).map_err(|e| anyhow::anyhow!(e))
    }

    /// The single-frame flags of a detection result under the configured thresholds.
    pub fn flags(&self, detections: &Detections) -> Vec<Flag> {
        self.thresholds.flags(detections)
    }
}

impl crate::monitoring::FrameAnalyzer for ServerDetector {
    fn analyze(&self, jpeg: &[u8]) -> anyhow::Result<Detections> {
        self.analyze_image(jpeg)
    }

    fn models(&self) -> serde_json::Value {
        self.models.clone()
    }
}
