//! What the detector reports for one frame (shared API between the browser and the server).

use serde::{Deserialize, Serialize};

/// A face: score and box `[x1, y1, x2, y2]` in image pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Face {
    /// Confidence in 0..=1.
    pub score: f32,
    /// `[x1, y1, x2, y2]` in image pixels.
    pub bbox: [f32; 4],
}

/// An object: label (COCO name), score and box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Object {
    /// COCO label, e.g. `cell phone`.
    pub label: String,
    /// Confidence in 0..=1.
    pub score: f32,
    /// `[x1, y1, x2, y2]` in image pixels.
    pub bbox: [f32; 4],
}

/// Everything found in one frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detections {
    /// Faces.
    pub faces: Vec<Face>,
    /// Objects.
    pub objects: Vec<Object>,
    /// Width of the analysed image.
    pub width: u32,
    /// Height of the analysed image.
    pub height: u32,
    /// Analysis time, ms.
    pub ms: u32,
}
