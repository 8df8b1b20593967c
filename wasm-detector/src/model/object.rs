//! COCO object detectors: CenterNet (browser and server), SSD-MobileNet-v2 (server) and a
//! user-supplied YOLO export.

use tract_onnx::prelude::*;

use super::{Input, ObjectModelKind, Plan, load, run, to_frame, values};
use crate::decode::{centernet, ssd, yolo};
use crate::geometry::{Detection, non_max_suppression};
use crate::labels::coco_label;
use crate::preprocess::{InputSpec, Layout, Rgba};

/// A loaded COCO object detector.
pub struct ObjectModel {
    kind: ObjectModelKind,
    spec: InputSpec,
    input: Input,
    plan: Plan,
}

fn spec(kind: ObjectModelKind) -> (InputSpec, Input) {
    let plain = |side: usize| InputSpec {
        width: side,
        height: side,
        layout: Layout::Nhwc,
        letterbox: false,
        pad: 0.0,
        scale: 1.0,
        offset: 0.0,
    };
    match kind {
        ObjectModelKind::CenterNet => (plain(512), Input::F32),
        // Coral's pipeline stretches the frame to 300x300 and feeds raw bytes.
        ObjectModelKind::Ssd => (plain(ssd::INPUT), Input::U8),
        ObjectModelKind::Yolo => (
            InputSpec {
                width: 640,
                height: 640,
                layout: Layout::Nchw,
                letterbox: true,
                pad: 114.0,
                scale: 1.0 / 255.0,
                offset: 0.0,
            },
            Input::F32,
        ),
    }
}

impl ObjectModel {
    /// Parses and optimises the ONNX bytes.
    pub fn load(kind: ObjectModelKind, bytes: &[u8]) -> TractResult<Self> {
        let (spec, input) = spec(kind);
        Ok(Self { kind, spec, input, plan: load(bytes, &spec, input)? })
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
        let (outputs, transform) = run(&self.plan, &self.spec, self.input, img)?;
        let found = match self.kind {
            ObjectModelKind::CenterNet => {
                let rows = outputs
                    .iter()
                    .find(|o| o.rank() == 3 && o.shape()[2] == 6)
                    .ok_or_else(|| anyhow::anyhow!("CenterNet: no [1,K,6] output"))?;
                centernet::decode(&values(rows)?, threshold)
            }
            ObjectModelKind::Ssd => {
                let by_shape = |s: [usize; 3]| outputs.iter().find(|o| o.shape() == s);
                let boxes =
                    by_shape([1, ssd::ANCHORS, 4]).ok_or_else(|| anyhow::anyhow!("SSD: no [1,1917,4] output"))?;
                let scores = by_shape([1, ssd::CLASSES, ssd::ANCHORS])
                    .ok_or_else(|| anyhow::anyhow!("SSD: no [1,90,1917] output"))?;
                ssd::decode(&values(boxes)?, &values(scores)?, threshold)
            }
            ObjectModelKind::Yolo => {
                let head = outputs.first().ok_or_else(|| anyhow::anyhow!("YOLO: no output"))?;
                yolo::decode(&values(head)?, head.shape(), crate::labels::COCO80.len(), threshold)
            }
        };
        Ok(to_frame(found, &transform, threshold, 0.5))
    }
}
