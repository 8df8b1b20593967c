//! The models: which ONNX graphs are supported, how each is fed and decoded. Loading works from
//! bytes so the same code serves files on the server and `fetch`ed buffers in the browser.

use std::str::FromStr;
use std::sync::Arc;

use tract_onnx::prelude::*;

use crate::decode::{blazeface, centerface, centernet, yolo};
use crate::geometry::{Detection, non_max_suppression};
use crate::labels::coco_label;
use crate::preprocess::{InputSpec, Layout, Rgba, Transform, to_input};

type Plan = Arc<TypedRunnableModel>;

/// Supported face detectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaceModelKind {
    /// CenterFace (server): any input whose sides are multiples of 32.
    CenterFace,
    /// BlazeFace short-range 128x128 (browser): small and fast, close faces only.
    BlazeFace,
}

/// Supported object detectors (COCO-80 labels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectModelKind {
    /// CenterNet with in-graph top-K: `[1,K,6]` output, 512x512 NHWC input in 0..255.
    CenterNet,
    /// YOLOv8 / YOLO11 exported to ONNX: `[1,84,N]` output, 640x640 NCHW input in 0..1.
    Yolo,
}

impl FromStr for FaceModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "centerface" => Ok(Self::CenterFace),
            "blazeface" => Ok(Self::BlazeFace),
            other => Err(format!("unknown face model kind `{other}` (centerface, blazeface)")),
        }
    }
}

impl FromStr for ObjectModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "centernet" => Ok(Self::CenterNet),
            "yolo" | "yolov8" | "yolo11" => Ok(Self::Yolo),
            other => Err(format!("unknown object model kind `{other}` (centernet, yolo)")),
        }
    }
}

fn load(bytes: &[u8], shape: &[usize]) -> TractResult<Plan> {
    tract_onnx::onnx()
        .model_for_read(&mut std::io::Cursor::new(bytes))?
        .with_input_fact(0, f32::fact(shape).into())?
        .into_optimized()?
        .into_runnable()
}

fn run(plan: &Plan, spec: &InputSpec, img: Rgba<'_>) -> TractResult<(TVec<TValue>, Transform)> {
    let (data, transform) = to_input(img, spec);
    let shape: [usize; 4] = match spec.layout {
        Layout::Nchw => [1, 3, spec.height, spec.width],
        Layout::Nhwc => [1, spec.height, spec.width, 3],
    };
    let input = Tensor::from_shape(&shape, &data)?;
    Ok((plan.run(tvec!(input.into()))?, transform))
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

/// A loaded face detector.
pub struct FaceModel {
    kind: FaceModelKind,
    /// (spec, plan) pairs; CenterFace has a landscape and a portrait plan.
    plans: Vec<(InputSpec, Plan)>,
}

impl FaceModel {
    /// Parses and optimises the ONNX bytes. `side` is CenterFace's long input side (multiple
    /// of 32; 640 by default); BlazeFace's input is fixed at 128.
    pub fn load(kind: FaceModelKind, bytes: &[u8], side: usize) -> TractResult<Self> {
        let plans = match kind {
            FaceModelKind::CenterFace => {
                let long = (side / 32).max(1) * 32;
                let short = (long * 3 / 4 / 32).max(1) * 32;
                let mut plans = Vec::new();
                for (w, h) in [(long, short), (short, long)] {
                    let spec = InputSpec {
                        width: w,
                        height: h,
                        layout: Layout::Nchw,
                        letterbox: true,
                        pad: 0.0,
                        scale: 1.0,
                        offset: 0.0,
                    };
                    plans.push((spec, load(bytes, &[1, 3, h, w])?));
                }
                plans
            }
            FaceModelKind::BlazeFace => {
                let n = blazeface::INPUT;
                let spec = InputSpec {
                    width: n,
                    height: n,
                    layout: Layout::Nhwc,
                    letterbox: true,
                    pad: 0.0,
                    scale: 1.0 / 127.5,
                    offset: -1.0,
                };
                vec![(spec, load(bytes, &[1, n, n, 3])?)]
            }
        };
        Ok(Self { kind, plans })
    }

    /// Which detector this is.
    pub fn kind(&self) -> FaceModelKind {
        self.kind
    }

    /// Faces scoring at least `threshold`, in frame pixels, best first.
    pub fn detect(&self, img: Rgba<'_>, threshold: f32) -> TractResult<Vec<Detection>> {
        let landscape = img.width >= img.height;
        let (spec, plan) = self
            .plans
            .iter()
            .find(|(s, _)| self.plans.len() == 1 || (s.width >= s.height) == landscape)
            .ok_or_else(|| anyhow::anyhow!("no plan for this frame"))?;
        let (outputs, transform) = run(plan, spec, img)?;
        let found = match self.kind {
            FaceModelKind::CenterFace => {
                if outputs.len() < 3 {
                    return Err(anyhow::anyhow!("CenterFace returned {} outputs", outputs.len()));
                }
                let (heat, scale, offset) = (values(&outputs[0])?, values(&outputs[1])?, values(&outputs[2])?);
                let out = centerface::CenterFaceOutput {
                    heat: &heat,
                    scale: &scale,
                    offset: &offset,
                    cols: spec.width / 4,
                    rows: spec.height / 4,
                };
                centerface::decode(&out, threshold)
            }
            FaceModelKind::BlazeFace => {
                let by_width = |w: usize| outputs.iter().find(|o| o.shape().last() == Some(&w));
                let reg = by_width(16).ok_or_else(|| anyhow::anyhow!("BlazeFace: no [1,896,16] output"))?;
                let cls = by_width(1).ok_or_else(|| anyhow::anyhow!("BlazeFace: no [1,896,1] output"))?;
                blazeface::decode(&values(reg)?, &values(cls)?, threshold)
            }
        };
        Ok(to_frame(found, &transform, threshold, 0.3))
    }
}

/// A loaded COCO object detector.
pub struct ObjectModel {
    kind: ObjectModelKind,
    spec: InputSpec,
    plan: Plan,
}

impl ObjectModel {
    /// Parses and optimises the ONNX bytes.
    pub fn load(kind: ObjectModelKind, bytes: &[u8]) -> TractResult<Self> {
        let spec = match kind {
            ObjectModelKind::CenterNet => InputSpec {
                width: 512,
                height: 512,
                layout: Layout::Nhwc,
                letterbox: false,
                pad: 0.0,
                scale: 1.0,
                offset: 0.0,
            },
            ObjectModelKind::Yolo => InputSpec {
                width: 640,
                height: 640,
                layout: Layout::Nchw,
                letterbox: true,
                pad: 114.0,
                scale: 1.0 / 255.0,
                offset: 0.0,
            },
        };
        let shape = match spec.layout {
            Layout::Nchw => [1, 3, spec.height, spec.width],
            Layout::Nhwc => [1, spec.height, spec.width, 3],
        };
        Ok(Self { kind, spec, plan: load(bytes, &shape)? })
    }

    /// Which detector this is.
    pub fn kind(&self) -> ObjectModelKind {
        self.kind
    }

    /// Objects scoring at least `threshold`, with their labels, in frame pixels, best first.
    pub fn detect(&self, img: Rgba<'_>, threshold: f32) -> TractResult<Vec<(Detection, String)>> {
        Ok(self.raw(img, threshold)?.into_iter().map(|d| (d, coco_label(d.class))).collect())
    }

    /// Like `detect`, plus four overlapping quarter tiles (two thirds of each side) analysed at
    /// the model's full resolution: small objects — a phone on a desk — get 1.5x more pixels.
    /// Five runs: for the server's re-verification, not for the browser.
    pub fn detect_tiled(&self, img: Rgba<'_>, threshold: f32) -> TractResult<Vec<(Detection, String)>> {
        let mut all = self.raw(img, threshold)?;
        let (tw, th) = (img.width * 2 / 3, img.height * 2 / 3);
        for (x, y) in [(0, 0), (img.width - tw, 0), (0, img.height - th), (img.width - tw, img.height - th)] {
            let (w, h, data) = img.crop(x, y, tw, th);
            let tile = Rgba::new(w, h, &data).map_err(|e| anyhow::anyhow!(e))?;
            all.extend(self.raw(tile, threshold)?.into_iter().map(|d| Detection {
                x0: d.x0 + x as f32,
                y0: d.y0 + y as f32,
                x1: d.x1 + x as f32,
                y1: d.y1 + y as f32,
                ..d
            }));
        }
        Ok(non_max_suppression(all, threshold, 0.5).into_iter().map(|d| (d, coco_label(d.class))).collect())
    }

    fn raw(&self, img: Rgba<'_>, threshold: f32) -> TractResult<Vec<Detection>> {
        let (outputs, transform) = run(&self.plan, &self.spec, img)?;
        let found = match self.kind {
            ObjectModelKind::CenterNet => {
                let rows = outputs
                    .iter()
                    .find(|o| o.rank() == 3 && o.shape()[2] == 6)
                    .ok_or_else(|| anyhow::anyhow!("CenterNet: no [1,K,6] output"))?;
                centernet::decode(&values(rows)?, threshold)
            }
            ObjectModelKind::Yolo => {
                let head = outputs.first().ok_or_else(|| anyhow::anyhow!("YOLO: no output"))?;
                yolo::decode(&values(head)?, head.shape(), crate::labels::COCO80.len(), threshold)
            }
        };
        Ok(to_frame(found, &transform, threshold, 0.5))
    }
}
