//! Which models the server loads and the single-frame thresholds (environment variables).

use std::path::{Path, PathBuf};

use wasm_detector::{FaceModelKind, Fusion, ObjectModelKind, Thresholds};

use crate::config::{Config, parse_bool, parse_var, var};

/// A second object model, run beside the first and combined with it.
#[derive(Clone, Debug)]
pub struct SecondObjectModel {
    /// Model file (`PROCTORWISE_SECOND_OBJECT_MODEL`, default `<models dir>/centernet.onnx`).
    pub path: PathBuf,
    /// Its kind (`PROCTORWISE_SECOND_OBJECT_MODEL_KIND`, default centernet).
    pub kind: ObjectModelKind,
    /// How the two models' objects combine (`PROCTORWISE_OBJECT_FUSION`: max | both | mean).
    pub fusion: Fusion,
}

/// Detection settings.
#[derive(Clone, Debug)]
pub struct DetectionConfig {
    /// Face model file (`PROCTORWISE_FACE_MODEL`, default `<models dir>/centerface.onnx`).
    pub face_model: PathBuf,
    /// Its kind (`PROCTORWISE_FACE_MODEL_KIND`: centerface | blazeface | blazeface-back).
    pub face_kind: FaceModelKind,
    /// CenterFace's long input side (`PROCTORWISE_FACE_INPUT`, multiple of 32, default 640).
    pub face_side: usize,
    /// CenterFace's long input side for a quick pass that may confirm a claim of several faces
    /// before the full pass (`PROCTORWISE_FACE_CONFIRM_INPUT`, multiple of 32, default 416; 0
    /// turns it off). Seeing two or more faces there is enough to confirm; anything else goes
    /// on to the full pass, so a claim is never rejected at the smaller input. 416, not 320: at
    /// 320 a second person at a distance is missed and the pass only adds its cost
    /// (models/README.md, "The server's quick face pass").
    pub face_confirm_side: usize,
    /// Object model file (`PROCTORWISE_OBJECT_MODEL`, default `<models dir>/ssd.onnx`;
    /// `none` disables object detection).
    pub object_model: Option<PathBuf>,
    /// Its kind (`PROCTORWISE_OBJECT_MODEL_KIND`: ssd | centernet | yolo).
    pub object_kind: ObjectModelKind,
    /// The second object model and the fusion rule (`PROCTORWISE_OBJECT_FUSION=none` turns it
    /// off). By default SSD is fused with CenterNet; a configured object model of another kind
    /// (a YOLO drop-in) runs alone unless a fusion is asked for.
    pub second_objects: Option<SecondObjectModel>,
    /// Verdict thresholds (`PROCTORWISE_FACE_THRESHOLD`, `PROCTORWISE_OBJECT_THRESHOLD`,
    /// `PROCTORWISE_FORBIDDEN_OBJECTS` as a comma-separated list of COCO labels).
    pub thresholds: Thresholds,
    /// Also run the first object model on four tiles (`PROCTORWISE_OBJECT_TILES`, default true
    /// for SSD, whose 300x300 input otherwise loses small phones; false for the others).
    pub object_tiles: bool,
}

/// The fusion rule of the default object models, chosen by measurement (models/README.md,
/// "Fusion"): the mean of SSD's and CenterNet's scores. At 0.25 it found as many phones as
/// the best rule and flagged no clean image, and an object seen by one model alone needs a
/// score of 0.5 to count, so the browser's model (CenterNet) cannot confirm its own weak flag.
pub const DEFAULT_FUSION: Fusion = Fusion::Mean;

/// The object threshold when none is configured, from the evaluation (models/README.md): the
/// lowest threshold that flagged none of the clean images for each rule. The prototype's 0.65
/// suits YOLOv8; CenterNet's and SSD's scores run lower (a phone in plain view scores
/// 0.3–0.55), and at 0.65 they find a quarter of the evaluation set's phones at best.
pub fn default_object_threshold(kind: ObjectModelKind, fusion: Option<Fusion>) -> f32 {
    match (kind, fusion) {
        (ObjectModelKind::Yolo, _) => 0.65,
        (_, Some(Fusion::Both)) => 0.2,
        (_, Some(Fusion::Mean)) => 0.25,
        (ObjectModelKind::CenterNet | ObjectModelKind::Ssd, _) => 0.3,
    }
}

/// Parses a comma-separated list of forbidden COCO labels (`PROCTORWISE_FORBIDDEN_OBJECTS`,
/// `proctorwise detect --forbidden-objects`); the error names the unknown labels.
pub fn forbidden_objects(list: &str) -> Result<Vec<String>, String> {
    wasm_detector::parse_label_list(list)
}

impl Config {
    /// The detection section: models and single-frame thresholds (server re-verification, `detect`).
    pub fn detection(&self) -> &DetectionConfig {
        self.section()
    }

    /// The detection section, to change it (tests and tools).
    pub fn detection_mut(&mut self) -> &mut DetectionConfig {
        self.section_mut()
    }
}

impl DetectionConfig {
    /// Defaults for models in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        let second = SecondObjectModel {
            path: dir.join("centernet.onnx"),
            kind: ObjectModelKind::CenterNet,
            fusion: DEFAULT_FUSION,
        };
        Self {
            face_model: dir.join("centerface.onnx"),
            face_kind: FaceModelKind::CenterFace,
            face_side: 640,
            face_confirm_side: 416,
            object_model: Some(dir.join("ssd.onnx")),
            object_kind: ObjectModelKind::Ssd,
            second_objects: Some(second),
            thresholds: Thresholds {
                object: default_object_threshold(ObjectModelKind::Ssd, Some(DEFAULT_FUSION)),
                ..Thresholds::default()
            },
            object_tiles: true,
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
        c.face_confirm_side = parse_var("PROCTORWISE_FACE_CONFIRM_INPUT", c.face_confirm_side)?;
        anyhow::ensure!(
            c.face_confirm_side == 0 || (c.face_confirm_side >= 64 && c.face_confirm_side % 32 == 0),
            "PROCTORWISE_FACE_CONFIRM_INPUT must be 0 (off) or a multiple of 32"
        );
        match var("PROCTORWISE_OBJECT_MODEL").as_deref() {
            Some("none") => c.object_model = None,
            Some(p) => c.object_model = Some(PathBuf::from(p)),
            None => {}
        }
        c.object_kind = parse_var("PROCTORWISE_OBJECT_MODEL_KIND", c.object_kind)?;
        c.second_objects = second_objects(&dir, c.object_kind, c.object_model.is_some())?;
        c.thresholds.object = default_object_threshold(c.object_kind, c.second_objects.as_ref().map(|s| s.fusion));
        c.thresholds.face = parse_var("PROCTORWISE_FACE_THRESHOLD", c.thresholds.face)?;
        c.thresholds.object = parse_var("PROCTORWISE_OBJECT_THRESHOLD", c.thresholds.object)?;
        c.object_tiles = parse_bool("PROCTORWISE_OBJECT_TILES", c.object_kind == ObjectModelKind::Ssd)?;
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

/// The second object model from `PROCTORWISE_OBJECT_FUSION` and its two companions. Without
/// an explicit fusion, SSD gets the default one and other kinds run alone.
fn second_objects(dir: &Path, first: ObjectModelKind, enabled: bool) -> anyhow::Result<Option<SecondObjectModel>> {
    let fusion = match var("PROCTORWISE_OBJECT_FUSION").as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("none") => None,
        Some(rule) => Some(rule.parse::<Fusion>().map_err(|e| anyhow::anyhow!("PROCTORWISE_OBJECT_FUSION: {e}"))?),
        None => (first == ObjectModelKind::Ssd).then_some(DEFAULT_FUSION),
    };
    let Some(fusion) = fusion.filter(|_| enabled) else { return Ok(None) };
    let path = var("PROCTORWISE_SECOND_OBJECT_MODEL").map_or_else(|| dir.join("centernet.onnx"), PathBuf::from);
    let kind = parse_var("PROCTORWISE_SECOND_OBJECT_MODEL_KIND", ObjectModelKind::CenterNet)?;
    Ok(Some(SecondObjectModel { path, kind, fusion }))
}
