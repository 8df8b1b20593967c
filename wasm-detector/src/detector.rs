//! A face model and an optional object model run together on one frame.

use crate::fusion::{FUSION_FLOOR, Fusion, fuse};
use crate::model::{FaceModel, FaceModelKind, ObjectModel, ObjectModelKind};
use crate::{Detection, Detections, Face, Object, Rgba};

/// Reporting thresholds of a detector (what it lists; the verdict applies its own).
#[derive(Clone, Debug, PartialEq)]
pub struct DetectorConfig {
    /// Faces are reported from this score.
    pub face_score: f32,
    /// Objects are reported from this score.
    pub object_score: f32,
    /// CenterFace's long input side (multiple of 32).
    pub face_side: usize,
    /// `detect` also runs the (first) object model on tiles (slower; finds smaller objects).
    pub tiles: bool,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        Self { face_score: 0.5, object_score: 0.3, face_side: 640, tiles: false }
    }
}

/// Faces and, when loaded, objects. In the browser a second, wider face model (CenterFace at a
/// small input) can run on some frames: the fast BlazeFace misses small, distant faces — the
/// second person behind a student — which CenterFace finds.
pub struct Detector {
    face: FaceModel,
    wide_face: Option<FaceModel>,
    /// The face model at a smaller input, which may confirm two or more faces on its own.
    quick_face: Option<FaceModel>,
    objects: Option<ObjectModel>,
    /// A second, independent object model and how its objects combine with the first's.
    second_objects: Option<(ObjectModel, Fusion)>,
    config: DetectorConfig,
}

/// Which models one pass runs besides the main face model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Passes {
    /// Run the wide face model (when loaded); its faces replace the main model's for this frame.
    pub wide_faces: bool,
    /// Run the object model(s) (when loaded).
    pub objects: bool,
    /// Also run the first object model on four tiles (server re-verification: small objects).
    pub tiled_objects: bool,
}

/// Per-model times of one pass, in ms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    /// Main face model.
    pub faces_ms: u32,
    /// Wide face model (0 when it did not run).
    pub wide_faces_ms: u32,
    /// Object model (0 when it did not run).
    pub objects_ms: u32,
}

/// Milliseconds since an arbitrary origin (`Instant` does not exist in the browser's wasm).
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        use std::time::Instant;
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }
}

fn side_u32(side: usize) -> u32 {
    u32::try_from(side).unwrap_or(u32::MAX)
}

/// Whole milliseconds between two `now_ms` readings.
fn elapsed(since: f64) -> u32 {
    (now_ms() - since).max(0.0).round() as u32
}

impl Detector {
    /// Loads both models from their ONNX bytes.
    pub fn load(
        face: (FaceModelKind, &[u8]),
        objects: Option<(ObjectModelKind, &[u8])>,
        config: DetectorConfig,
    ) -> Result<Self, String> {
        let face = FaceModel::load(face.0, face.1, config.face_side).map_err(|e| format!("face model: {e:#}"))?;
        let objects = objects
            .map(|(kind, bytes)| ObjectModel::load(kind, bytes))
            .transpose()
            .map_err(|e| format!("object model: {e:#}"))?;
        Ok(Self { face, wide_face: None, quick_face: None, objects, second_objects: None, config })
    }

    /// Adds a second object model whose objects are combined with the first's by `fusion`.
    pub fn with_second_objects(mut self, kind: ObjectModelKind, bytes: &[u8], fusion: Fusion) -> Result<Self, String> {
        let model = ObjectModel::load(kind, bytes).map_err(|e| format!("second object model: {e:#}"))?;
        self.second_objects = Some((model, fusion));
        Ok(self)
    }

    /// Which models run: the face model's kind and input side, the object model kinds and the
    /// fusion rule (when two object models are loaded).
    pub fn models(&self) -> (FaceModelKind, usize, Vec<ObjectModelKind>, Option<Fusion>) {
        let mut objects: Vec<ObjectModelKind> = self.objects.iter().map(ObjectModel::kind).collect();
        objects.extend(self.second_objects.iter().map(|(m, _)| m.kind()));
        (self.face.kind(), self.face.input_side(), objects, self.second_objects.as_ref().map(|(_, f)| *f))
    }

    /// Adds the wide face model (CenterFace) with its long input side.
    pub fn with_wide_faces(mut self, kind: FaceModelKind, bytes: &[u8], side: usize) -> Result<Self, String> {
        self.wide_face = Some(FaceModel::load(kind, bytes, side).map_err(|e| format!("wide face model: {e:#}"))?);
        Ok(self)
    }

    /// Adds the face model at a smaller input (`side`) for `quick_faces` (server: a cheaper
    /// pass that can confirm a claim of several faces but never reject one).
    pub fn with_quick_faces(mut self, kind: FaceModelKind, bytes: &[u8], side: usize) -> Result<Self, String> {
        self.quick_face = Some(FaceModel::load(kind, bytes, side).map_err(|e| format!("quick face model: {e:#}"))?);
        Ok(self)
    }

    /// The quick face model's input side, when one is loaded.
    pub fn quick_face_side(&self) -> Option<usize> {
        self.quick_face.as_ref().map(FaceModel::input_side)
    }

    /// Faces by the quick face model alone (`None` when none is loaded).
    pub fn quick_faces(&self, img: Rgba<'_>) -> Result<Option<Detections>, String> {
        let Some(model) = &self.quick_face else { return Ok(None) };
        let start = now_ms();
        let faces = model.detect(img, self.config.face_score).map_err(|e| format!("quick face model: {e:#}"))?;
        Ok(Some(Detections {
            faces: faces.iter().map(Face::from_detection).collect(),
            objects: Vec::new(),
            width: img.width,
            height: img.height,
            ms: elapsed(start),
            face_input: side_u32(model.input_side()),
        }))
    }

    /// Whether a wide face model is loaded.
    pub fn has_wide_faces(&self) -> bool {
        self.wide_face.is_some()
    }

    /// Whether an object model is loaded.
    pub fn has_objects(&self) -> bool {
        self.objects.is_some()
    }

    /// Runs the main face model and the passes asked for (when loaded).
    pub fn detect_timed(&self, img: Rgba<'_>, passes: Passes) -> Result<(Detections, Timings), String> {
        let start = now_ms();
        let mut faces = self.face.detect(img, self.config.face_score).map_err(|e| format!("face model: {e:#}"))?;
        let mut face_input = self.face.input_side();
        let mut t = Timings { faces_ms: elapsed(start), ..Timings::default() };
        if let (Some(wide), true) = (&self.wide_face, passes.wide_faces) {
            let at = now_ms();
            faces = wide.detect(img, self.config.face_score).map_err(|e| format!("wide face model: {e:#}"))?;
            face_input = wide.input_side();
            t.wide_faces_ms = elapsed(at);
        }
        let at = now_ms();
        let objects = match (&self.objects, passes.objects) {
            (Some(model), true) => self.all_objects(model, img, passes.tiled_objects)?,
            _ => Vec::new(),
        };
        t.objects_ms = elapsed(at);
        let detections = Detections {
            faces: faces.iter().map(Face::from_detection).collect(),
            objects,
            width: img.width,
            height: img.height,
            ms: elapsed(start),
            face_input: side_u32(face_input),
        };
        Ok((detections, t))
    }

    /// The first model's objects, fused with the second's when one is loaded. For a fusion,
    /// each model lists its objects from `FUSION_FLOOR` so that a weak partner still counts;
    /// the fused list keeps the objects at or above the reporting threshold.
    fn all_objects(&self, first: &ObjectModel, img: Rgba<'_>, tiled: bool) -> Result<Vec<Object>, String> {
        let Some((second, fusion)) = &self.second_objects else {
            return self.run_objects(first, img, tiled, self.config.object_score);
        };
        let floor = self.config.object_score.min(FUSION_FLOOR);
        let a = self.run_objects(first, img, tiled, floor)?;
        // The second model runs on the whole frame only: tiles are for the fast SSD.
        let b = self.run_objects(second, img, false, floor)?;
        let mut fused = fuse(&a, &b, *fusion);
        fused.retain(|o| o.score >= self.config.object_score);
        Ok(fused)
    }

    fn run_objects(&self, model: &ObjectModel, img: Rgba<'_>, tiled: bool, score: f32) -> Result<Vec<Object>, String> {
        let found: Vec<(Detection, String)> =
            if tiled { model.detect_tiled(img, score) } else { model.detect(img, score) }
                .map_err(|e| format!("object model ({}): {e:#}", model.kind().name()))?;
        Ok(found.iter().map(|(d, label)| Object::from_detection(d, label)).collect())
    }

    /// Runs every loaded model (objects also on tiles when configured): the server's full check.
    pub fn detect(&self, img: Rgba<'_>) -> Result<Detections, String> {
        self.detect_timed(img, Passes { wide_faces: true, objects: true, tiled_objects: self.config.tiles })
            .map(|(d, _)| d)
    }
}
