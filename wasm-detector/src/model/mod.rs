//! The models: which ONNX graphs are supported, how each is fed and decoded. Loading works from
//! bytes so the same code serves files on the server and `fetch`ed buffers in the browser.

mod face;
mod object;

use std::str::FromStr;
use std::sync::Arc;

use tract_onnx::prelude::*;

pub use face::FaceModel;
pub use object::ObjectModel;

use crate::geometry::{Detection, non_max_suppression};
use crate::preprocess::{InputSpec, Layout, Rgba, Transform, to_input};

type Plan = Arc<TypedRunnableModel>;

/// Supported face detectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaceModelKind {
    /// CenterFace (server): any input whose sides are multiples of 32.
    CenterFace,
    /// MediaPipe BlazeFace short-range ("front") 128x128: small and fast, close faces only.
    BlazeFace,
    /// MediaPipe BlazeFace full-range ("back") 256x256: finds smaller, more distant faces.
    BlazeFaceBack,
}

/// Supported object detectors (reported with COCO-80 labels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectModelKind {
    /// CenterNet with in-graph top-K: `[1,K,6]` output, 512x512 NHWC input in 0..255.
    CenterNet,
    /// SSD-MobileNet-v2 COCO (Coral, uint8), cut before its NMS: boxes `[1,1917,4]` and
    /// scores `[1,90,1917]`, 300x300 NHWC uint8 input.
    Ssd,
    /// YOLOv8 / YOLO11 exported to ONNX: `[1,84,N]` output, 640x640 NCHW input in 0..1.
    Yolo,
}

impl FaceModelKind {
    /// Short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::CenterFace => "CenterFace",
            Self::BlazeFace => "BlazeFace 128",
            Self::BlazeFaceBack => "BlazeFace back 256",
        }
    }
}

impl ObjectModelKind {
    /// Short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::CenterNet => "CenterNet",
            Self::Ssd => "SSD-MobileNet-v2",
            Self::Yolo => "YOLO",
        }
    }
}

impl FromStr for FaceModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "centerface" => Ok(Self::CenterFace),
            "blazeface" => Ok(Self::BlazeFace),
            "blazeface-back" => Ok(Self::BlazeFaceBack),
            other => Err(format!("unknown face model kind `{other}` (centerface, blazeface, blazeface-back)")),
        }
    }
}

impl FromStr for ObjectModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "centernet" => Ok(Self::CenterNet),
            "ssd" => Ok(Self::Ssd),
            "yolo" | "yolov8" | "yolo11" => Ok(Self::Yolo),
            other => Err(format!("unknown object model kind `{other}` (centernet, ssd, yolo)")),
        }
    }
}

/// Element type of a model's input tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Input {
    F32,
    /// Quantised models take raw 0..255 bytes.
    U8,
}

fn shape(spec: &InputSpec) -> [usize; 4] {
    match spec.layout {
        Layout::Nchw => [1, 3, spec.height, spec.width],
        Layout::Nhwc => [1, spec.height, spec.width, 3],
    }
}

fn load(bytes: &[u8], spec: &InputSpec, input: Input) -> TractResult<Plan> {
    let fact = match input {
        Input::F32 => f32::fact(shape(spec)),
        Input::U8 => u8::fact(shape(spec)),
    };
    tract_onnx::onnx()
        .model_for_read(&mut std::io::Cursor::new(bytes))?
        .with_input_fact(0, fact.into())?
        .into_optimized()?
        .into_runnable()
}

fn run(plan: &Plan, spec: &InputSpec, input: Input, img: Rgba<'_>) -> TractResult<(TVec<TValue>, Transform)> {
    let (data, transform) = to_input(img, spec);
    let tensor = match input {
        Input::F32 => Tensor::from_shape(&shape(spec), &data)?,
        Input::U8 => {
            let bytes: Vec<u8> = data.iter().map(|v| v.round().clamp(0.0, 255.0) as u8).collect();
            Tensor::from_shape(&shape(spec), &bytes)?
        }
    };
    Ok((plan.run(tvec!(tensor.into()))?, transform))
}

fn values(v: &TValue) -> TractResult<Vec<f32>> {
    Ok(v.to_plain_array_view::<f32>()?.iter().copied().collect())
}

fn to_frame(found: Vec<Detection>, transform: &Transform, score: f32, iou: f32) -> Vec<Detection> {
    let mapped = found
        .into_iter()
        .map(|d| {
            let [x0, y0, x1, y1] = transform.to_frame([d.x0, d.y0, d.x1, d.y1]);
            Detection { x0, y0, x1, y1, ..d }
        })
        .collect();
    non_max_suppression(mapped, score, iou)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_their_configuration_names() {
        assert_eq!("SSD".parse(), Ok(ObjectModelKind::Ssd));
        assert_eq!("yolo11".parse(), Ok(ObjectModelKind::Yolo));
        assert_eq!("blazeface-back".parse(), Ok(FaceModelKind::BlazeFaceBack));
        let err = "detr".parse::<ObjectModelKind>().expect_err("unknown");
        assert!(err.contains("centernet, ssd, yolo"), "{err}");
    }
}
