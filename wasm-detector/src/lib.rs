//! Detection shared by the browser (WebAssembly, first pass) and the server (native, full
//! re-verification): preprocessing from RGBA pixels, model runs with tract, output decoding,
//! non-maximum suppression and the single-frame verdict — one implementation for both targets.

pub mod decode;
pub mod detector;
pub mod fusion;
pub mod geometry;
pub mod labels;
pub mod model;
pub mod preprocess;
pub mod types;
pub mod verdict;
#[cfg(target_arch = "wasm32")]
mod web;

pub use detector::{Detector, DetectorConfig, Passes, Timings};
pub use fusion::Fusion;
pub use geometry::{Detection, non_max_suppression};
pub use labels::parse_label_list;
pub use model::{FaceModelKind, ObjectModelKind};
pub use preprocess::Rgba;
pub use types::{Detections, Face, Object};
pub use verdict::{Flag, Thresholds};
