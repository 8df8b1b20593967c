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
use wasm_detector::{Detections, Detector, DetectorConfig, FaceModelKind, Flag, Fusion, Rgba, Thresholds};

pub use config::{DEFAULT_FUSION, DetectionConfig, SecondObjectModel, default_object_threshold, forbidden_objects};

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
    names: (String, String),
}

impl ServerDetector {
    /// Loads the configured face model and, unless disabled, the object model.
    pub fn load(config: &DetectionConfig) -> anyhow::Result<Self> {
        let read = |path: &std::path::Path| {
            std::fs::read(path).with_context(|| format!("cannot read model {} (run models/fetch.sh)", path.display()))
        };
        let face = read(&config.face_model)?;
        let objects = config.object_model.as_deref().map(read).transpose()?;
        let mut detector = Detector::load(
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
        if config.face_kind == FaceModelKind::CenterFace
            && config.face_confirm_side != 0
            && config.face_confirm_side < config.face_side
        {
            detector = detector
                .with_quick_faces(config.face_kind, &face, config.face_confirm_side)
                .map_err(|e| anyhow::anyhow!(e))?;
        }
        if let (Some(second), Some(_)) = (&config.second_objects, &objects) {
            detector = detector
                .with_second_objects(second.kind, &read(&second.path)?, second.fusion)
                .map_err(|e| anyhow::anyhow!(e))?;
        }
        let names = model_names(&detector);
        Ok(Self { detector: Arc::new(detector), thresholds: config.thresholds.clone(), names })
    }

    /// Short human-readable names of the models in use, `(faces, objects)`: e.g.
    /// `("CenterFace 640", "SSD-MobileNet-v2 + CenterNet (max score)")`. Stored with each
    /// anomaly beside the thresholds so that a verdict says what decided it.
    pub fn model_names(&self) -> (String, String) {
        self.names.clone()
    }

    /// One line for logs and `proctorwise detect`: the models and the verdict thresholds.
    pub fn description(&self) -> String {
        let t = &self.thresholds;
        format!(
            "faces: {} (≥ {:.2}); objects: {} (≥ {:.2}; forbidden: {})",
            self.names.0,
            t.face,
            self.names.1,
            t.object,
            t.forbidden.join(", ")
        )
    }

    /// The verdict thresholds.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// Decodes a JPEG or PNG and runs every model (CPU-heavy: call from a blocking thread).
    pub fn analyze_image(&self, bytes: &[u8]) -> anyhow::Result<Detections> {
        let img = decode(bytes)?;
        self.detector.detect(rgba(&img)?).map_err(|e| anyhow::anyhow!(e))
    }

    /// The single-frame flags of a detection result under the configured thresholds.
    pub fn flags(&self, detections: &Detections) -> Vec<Flag> {
        self.thresholds.flags(detections)
    }
}

/// A JPEG or PNG as RGBA pixels.
fn decode(bytes: &[u8]) -> anyhow::Result<image::RgbaImage> {
    Ok(image::load_from_memory(bytes).context("not a readable JPEG or PNG image")?.to_rgba8())
}

fn rgba(img: &image::RgbaImage) -> anyhow::Result<Rgba<'_>> {
    Rgba::new(img.width(), img.height(), img.as_raw()).map_err(|e| anyhow::anyhow!(e))
}

fn model_names(detector: &Detector) -> (String, String) {
    let (face, side, objects, fusion) = detector.models();
    let faces = match face {
        FaceModelKind::CenterFace => format!("{} {side}", face.name()),
        _ => face.name().to_owned(),
    };
    let names: Vec<&str> = objects.iter().map(|k| k.name()).collect();
    let objects = match (names.as_slice(), fusion) {
        ([], _) => "none".to_owned(),
        (_, Some(f)) => format!("{} ({})", names.join(" + "), fusion_words(f)),
        _ => names.join(" + "),
    };
    (faces, objects)
}

fn fusion_words(f: Fusion) -> &'static str {
    match f {
        Fusion::Max => "max score",
        Fusion::Both => "both must agree",
        Fusion::Mean => "mean score",
    }
}

impl ServerDetector {
    /// Faces only. With a quick pass loaded, two or more faces seen there at the verdict
    /// threshold confirm the picture at a quarter of the cost; otherwise (one face, none) the
    /// full pass decides, so a claim is never rejected on the quick pass alone.
    pub fn faces_only(&self, jpeg: &[u8]) -> anyhow::Result<Detections> {
        let img = decode(jpeg)?;
        let rgba = rgba(&img)?;
        if let Some(quick) = self.detector.quick_faces(rgba).map_err(|e| anyhow::anyhow!(e))? {
            if quick.faces.iter().filter(|f| f.score >= self.thresholds.face).count() >= 2 {
                return Ok(quick);
            }
        }
        let passes = wasm_detector::Passes { wide_faces: true, objects: false, tiled_objects: false };
        self.detector.detect_timed(rgba, passes).map(|(d, _)| d).map_err(|e| anyhow::anyhow!(e))
    }

    /// The models behind `detections`, as stored with each anomaly (`{"faces": name, "objects": name}`).
    pub fn models_behind(&self, detections: &Detections) -> serde_json::Value {
        let faces = match self.detector.quick_face_side() {
            Some(side) if usize::try_from(detections.face_input).is_ok_and(|s| s == side) => {
                format!("{} {side} (quick pass: two or more faces seen)", self.detector.models().0.name())
            }
            _ => self.names.0.clone(),
        };
        serde_json::json!({"faces": faces, "objects": self.names.1})
    }
}
