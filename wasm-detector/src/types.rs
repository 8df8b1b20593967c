//! What a detection pass reports: faces and objects with their boxes, in pixels of the analysed
//! frame, and how long it took.

use serde::{Deserialize, Serialize};

/// A detected face.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Face {
    /// Confidence in 0..=1.
    pub score: f32,
    /// `[x1, y1, x2, y2]` in pixels of the frame.
    #[serde(rename = "box")]
    pub bbox: [f32; 4],
}

/// A detected object of the object model's label set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Object {
    /// Label, e.g. `cell phone` (COCO names).
    pub label: String,
    /// Confidence in 0..=1.
    pub score: f32,
    /// `[x1, y1, x2, y2]` in pixels of the frame.
    #[serde(rename = "box")]
    pub bbox: [f32; 4],
}

/// Result of one detection pass over one frame.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Detections {
    /// Faces at or above the model's decoding threshold, best first.
    pub faces: Vec<Face>,
    /// Objects at or above the decoding threshold, best first (empty when objects were not run).
    pub objects: Vec<Object>,
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Total time of the pass in milliseconds (preprocessing, models, decoding).
    pub ms: u32,
    /// Long input side of the face model whose faces these are (0: not said).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub face_input: u32,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

fn rounded(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
}

impl Face {
    /// A face from a decoded box, with scores and coordinates rounded for reports.
    pub fn from_detection(d: &crate::Detection) -> Self {
        Self { score: rounded(d.score), bbox: [d.x0.round(), d.y0.round(), d.x1.round(), d.y1.round()] }
    }
}

impl Object {
    /// An object from a decoded box and its label.
    pub fn from_detection(d: &crate::Detection, label: &str) -> Self {
        Self {
            label: label.to_owned(),
            score: rounded(d.score),
            bbox: [d.x0.round(), d.y0.round(), d.x1.round(), d.y1.round()],
        }
    }
}
