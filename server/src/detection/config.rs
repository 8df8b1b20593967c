//! Which models the server loads and the single-frame thresholds (environment variables).

use std::path::{Path, PathBuf};

use wasm_detector::{FaceModelKind, ObjectModelKind, Thresholds};

use crate::config::{parse_bool, parse_var, var};

/// Detection settings.
#[derive(Clone, Debug)]
pub struct DetectionConfig {
    /// Face model file (`PROCTORWISE_FACE_MODEL`, default `<models dir>/centerface.onnx`).
    pub face_model: PathBuf,
    /// Its kind (`PROCTORWISE_FACE_MODEL_KIND`: centerface | blazeface).
    pub face_kind: FaceModelKind,
    /// CenterFace's long input side (`PROCTORWISE_FACE_INPUT`, multiple of 32, default 640).
    pub face_side: usize,
    /// Object model file (`PROCTORWISE_OBJECT_MODEL`, default `<models dir>/centernet.onnx`;
    /// `none` disables object detection).
    pub object_model: Option<PathBuf>,
    /// Its kind (`PROCTORWISE_OBJECT_MODEL_KIND`: centernet | yolo).
    pub object_kind: ObjectModelKind,
    /// Verdict thresholds (`PROCTORWISE_FACE_THRESHOLD`, `PROCTORWISE_OBJECT_THRESHOLD`,
    /// `PROCTORWISE_FORBIDDEN_OBJECTS` as a comma-separated list of COCO labels).
    pub thresholds: Thresholds,
    /// Also run the object model on four tiles (`PROCTORWISE_OBJECT_TILES`, default false).
    pub object_tiles: bool,
}

/// The object threshold when none is configured. The prototype's 0.65 suits YOLOv8; CenterNet's
/// scores run lower (a phone in plain view scores 0.3–0.55), and at 0.65 it flagged none of the
/// evaluation set's phones (models/README.md), so CenterNet gets 0.3.
pub fn default_object_threshold(kind: ObjectModelKind) -> f32 {
    match kind {
        ObjectModelKind::CenterNet => 0.3,
        ObjectModelKind::Yolo => 0.65,
    }
}

/// Parses a comma-separated list of forbidden COCO labels (`PROCTORWISE_FORBIDDEN_OBJECTS`,
/// `proctorwise detect --forbidden-objects`); the error names the unknown labels.
pub fn forbidden_objects(list: &str) -> Result<Vec<String>, String> {
    wasm_detector::parse_label_list(list)
}

impl DetectionConfig {
    /// Defaults for models in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            face_model: dir.join("centerface.onnx"),
            face_kind: FaceModelKind::CenterFace,
            face_side: 640,
            object_model: Some(dir.join("centernet.onnx")),
            object_kind: ObjectModelKind::CenterNet,
            thresholds: Thresholds {
                object: default_object_threshold(ObjectModelKind::CenterNet),
                ..Thresholds::default()
            },
            object_tiles: false,
        }
    }

    /// Reads the settings from the environment (`PROCTORWISE_MODELS_DIR`, default `models`).
    pub fn from_env() -> anyhow::Result<Self> {
        let dir = PathBuf::from(var("PROCTORWISE_MODELS_DIR").unwrap_or_else(|| "models".into()));
        let mut c = Self::in_dir(&dir);
        if let Some(p) = var("PROCTORWISE_FACE_MODEL") {
            c.face_model = PathBuf::from(p);
        }
        c.face_kind = parse_var("PROCTORWISE_FACE_MODEL_KIND", c.face_kind)?;
        c.face_side = parse_var("PROCTORWISE_FACE_INPUT", c.face_side)?;
        anyhow::ensure!(c.face_side >= 64 && c.face_side % 32 == 0, "PROCTORWISE_FACE_INPUT must be a multiple of 32");
        match var("PROCTORWISE_OBJECT_MODEL").as_deref() {
            Some("none") => c.object_model = None,
            Some(p) => c.object_model = Some(PathBuf::from(p)),
            None => {}
        }
        c.object_kind = parse_var("PROCTORWISE_OBJECT_MODEL_KIND", c.object_kind)?;
        c.thresholds.object = default_object_threshold(c.object_kind);
        c.thresholds.face = parse_var("PROCTORWISE_FACE_THRESHOLD", c.thresholds.face)?;
        c.thresholds.object = parse_var("PROCTORWISE_OBJECT_THRESHOLD", c.thresholds.object)?;
        c.object_tiles = parse_bool("PROCTORWISE_OBJECT_TILES", false)?;
        if let Some(list) = var("PROCTORWISE_FORBIDDEN_OBJECTS") {
            c.thresholds.forbidden =
                forbidden_objects(&list).map_err(|e| anyhow::anyhow!("PROCTORWISE_FORBIDDEN_OBJECTS: {e}"))?;
        }
        for (name, v) in
            [("PROCTORWISE_FACE_THRESHOLD", c.thresholds.face), ("PROCTORWISE_OBJECT_THRESHOLD", c.thresholds.object)]
        {
            anyhow::ensure!((0.0..=1.0).contains(&v), "{name} must be between 0 and 1");
        }
        Ok(c)
    }
}
