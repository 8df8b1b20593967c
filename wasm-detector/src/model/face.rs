//! Face detectors: CenterFace (server) and BlazeFace (browser).

use tract_onnx::prelude::*;

use super::{FaceModelKind, Input, Plan, load, run, to_frame, values};
use crate::decode::{blazeface, centerface};
use crate::geometry::Detection;
use crate::preprocess::{InputSpec, Layout, Rgba};

/// A loaded face detector.
pub struct FaceModel {
    kind: FaceModelKind,
    /// (spec, plan) pairs; CenterFace has a landscape and a portrait plan.
    plans: Vec<(InputSpec, Plan)>,
}

impl FaceModel {
    /// Parses and optimises the ONNX bytes. `side` is CenterFace's long input side (multiple
    /// of 32; 640 by default); BlazeFace's input is fixed (128 front, 256 back).
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
                    plans.push((spec, load(bytes, &spec, Input::F32)?));
                }
                plans
            }
            FaceModelKind::BlazeFace | FaceModelKind::BlazeFaceBack => {
                let n = blazeface_input(kind);
                let spec = InputSpec {
                    width: n,
                    height: n,
                    layout: Layout::Nhwc,
                    letterbox: true,
                    pad: 0.0,
                    scale: 1.0 / 127.5,
                    offset: -1.0,
                };
                vec![(spec, load(bytes, &spec, Input::F32)?)]
            }
        };
        Ok(Self { kind, plans })
    }

    /// Which detector this is.
    pub fn kind(&self) -> FaceModelKind {
        self.kind
    }

    /// The input side used for a landscape frame (CenterFace's long side, BlazeFace's square).
    pub fn input_side(&self) -> usize {
        self.plans.first().map_or(0, |(s, _)| s.width.max(s.height))
    }

    /// Faces scoring at least `threshold`, in frame pixels, best first.
    pub fn detect(&self, img: Rgba<'_>, threshold: f32) -> TractResult<Vec<Detection>> {
        let landscape = img.width >= img.height;
        let (spec, plan) = self
            .plans
            .iter()
            .find(|(s, _)| self.plans.len() == 1 || (s.width >= s.height) == landscape)
            .ok_or_else(|| anyhow::anyhow!("no plan for this frame"))?;
        let (outputs, transform) = run(plan, spec, Input::F32, img)?;
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
            FaceModelKind::BlazeFace | FaceModelKind::BlazeFaceBack => {
                let (reg, cls) = (blazeface_head(&outputs, 16)?, blazeface_head(&outputs, 1)?);
                blazeface::decode(&reg, &cls, spec.width, threshold)
            }
        };
        Ok(to_frame(found, &transform, threshold, 0.3))
    }
}

fn blazeface_input(kind: FaceModelKind) -> usize {
    if kind == FaceModelKind::BlazeFaceBack { blazeface::INPUT_BACK } else { blazeface::INPUT }
}

/// One BlazeFace head (`width` 16: box regressors, 1: logits) over all 896 anchors. MediaPipe's
/// own conversion has one `[1,896,w]` tensor; Keijiro's export splits it into the 16x16 grid's
/// `[1,512,w]` and the 8x8 grid's `[1,384,w]`, concatenated here in anchor order.
fn blazeface_head(outputs: &[TValue], width: usize) -> TractResult<Vec<f32>> {
    let mut parts: Vec<&TValue> = outputs.iter().filter(|o| o.rank() == 3 && o.shape()[2] == width).collect();
    parts.sort_by_key(|o| std::cmp::Reverse(o.shape()[1]));
    let rows: usize = parts.iter().map(|o| o.shape()[1]).sum();
    if rows != blazeface::ANCHORS {
        return Err(anyhow::anyhow!("BlazeFace: outputs of width {width} cover {rows} anchors, not 896"));
    }
    let mut all = Vec::with_capacity(rows * width);
    for p in parts {
        all.extend(values(p)?);
    }
    Ok(all)
}
