//! The browser API (wasm-bindgen): load the models from fetched bytes, then `detect(ImageData)`.
//! Runs inside a Web Worker (static/detector-worker.js) so the exam page never freezes.

use wasm_bindgen::prelude::*;

use crate::{Detector, DetectorConfig, FaceModelKind, ObjectModelKind, Passes, Rgba};

/// A loaded detector, owned by the worker.
#[wasm_bindgen]
pub struct BrowserDetector {
    inner: Detector,
}

#[wasm_bindgen]
impl BrowserDetector {
    /// Loads the face model, the wide face model (CenterFace, when `wide_model` is not empty;
    /// long input side `wide_side`) and the object model (when `object_model` is not empty).
    /// Kinds: `blazeface-back` (what the exam page loads) | `blazeface` | `centerface`,
    /// `centernet` | `ssd` | `yolo`.
    #[wasm_bindgen(constructor)]
    #[expect(clippy::too_many_arguments, reason = "a flat constructor is the simplest JavaScript API")]
    pub fn new(
        face_kind: &str,
        face_model: &[u8],
        wide_model: &[u8],
        wide_side: usize,
        object_kind: &str,
        object_model: &[u8],
        face_score: f32,
        object_score: f32,
    ) -> Result<BrowserDetector, JsError> {
        let face_kind: FaceModelKind = face_kind.parse().map_err(|e: String| JsError::new(&e))?;
        let objects = if object_model.is_empty() {
            None
        } else {
            let kind: ObjectModelKind = object_kind.parse().map_err(|e: String| JsError::new(&e))?;
            Some((kind, object_model))
        };
        let config = DetectorConfig { face_score, object_score, ..DetectorConfig::default() };
        let mut inner = Detector::load((face_kind, face_model), objects, config).map_err(|e| JsError::new(&e))?;
        if !wide_model.is_empty() {
            inner = inner
                .with_wide_faces(FaceModelKind::CenterFace, wide_model, wide_side)
                .map_err(|e| JsError::new(&e))?;
        }
        Ok(BrowserDetector { inner })
    }

    /// Whether an object model is loaded.
    #[wasm_bindgen(js_name = hasObjects)]
    pub fn has_objects(&self) -> bool {
        self.inner.has_objects()
    }

    /// Whether a wide face model is loaded.
    #[wasm_bindgen(js_name = hasWideFaces)]
    pub fn has_wide_faces(&self) -> bool {
        self.inner.has_wide_faces()
    }

    /// Detects on an RGBA frame; returns JSON `{"faces":[…],"objects":[…],"width","height",
    /// "ms","faces_ms","wide_faces_ms","objects_ms","wide"}` (`wide`: the faces come from the
    /// wide model).
    pub fn detect(&self, image: &web_sys::ImageData, wide_faces: bool, objects: bool) -> Result<String, JsError> {
        let data = image.data();
        let img = Rgba::new(image.width(), image.height(), &data).map_err(|e| JsError::new(&e))?;
        let passes = Passes { wide_faces, objects, tiled_objects: false };
        let (d, t) = self.inner.detect_timed(img, passes).map_err(|e| JsError::new(&e))?;
        let mut json = serde_json::to_value(&d).map_err(|e| JsError::new(&e.to_string()))?;
        json["faces_ms"] = t.faces_ms.into();
        json["wide_faces_ms"] = t.wide_faces_ms.into();
        json["objects_ms"] = t.objects_ms.into();
        json["wide"] = (wide_faces && self.inner.has_wide_faces()).into();
        Ok(json.to_string())
    }
}
