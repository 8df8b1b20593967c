//! MediaPipe BlazeFace, short-range ("front", 128x128) and full-range ("back", 256x256): the
//! same 896 anchors on two grids (16x16x2 + 8x8x6), box regressors in input pixels relative
//! to the anchor centre, one logit per anchor.

use super::sigmoid;
use crate::Detection;

/// Input side of the short-range model.
pub const INPUT: usize = 128;
/// Input side of the full-range ("back") model.
pub const INPUT_BACK: usize = 256;
/// Number of anchors (16x16x2 + 8x8x6).
pub const ANCHORS: usize = 896;
const REGRESSORS: usize = 16;

/// Anchor centres in 0..1, in the model's output order.
pub fn anchors() -> Vec<(f32, f32)> {
    let mut out = Vec::with_capacity(ANCHORS);
    for (cells, per_cell) in [(16usize, 2usize), (8, 6)] {
        for y in 0..cells {
            for x in 0..cells {
                let centre = ((x as f32 + 0.5) / cells as f32, (y as f32 + 0.5) / cells as f32);
                out.extend(std::iter::repeat_n(centre, per_cell));
            }
        }
    }
    out
}

/// Boxes of the anchors scoring at least `threshold`, in pixels of the `input`-sided square
/// (before NMS).
pub fn decode(regressors: &[f32], logits: &[f32], input: usize, threshold: f32) -> Vec<Detection> {
    if regressors.len() < ANCHORS * REGRESSORS || logits.len() < ANCHORS {
        return Vec::new();
    }
    let size = input as f32;
    anchors()
        .into_iter()
        .enumerate()
        .filter_map(|(i, (ax, ay))| {
            let score = sigmoid(logits[i]);
            if score < threshold {
                return None;
            }
            let r = &regressors[i * REGRESSORS..i * REGRESSORS + 4];
            let (cx, cy) = (r[0] / size + ax, r[1] / size + ay);
            let (w, h) = (r[2] / size, r[3] / size);
            Some(Detection {
                x0: ((cx - w / 2.0) * size).max(0.0),
                y0: ((cy - h / 2.0) * size).max(0.0),
                x1: ((cx + w / 2.0) * size).min(size),
                y1: ((cy + h / 2.0) * size).min(size),
                score,
                class: 0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_grid_has_896_centres_in_model_order() {
        let a = anchors();
        assert_eq!(a.len(), ANCHORS);
        assert_eq!(a[0], (0.5 / 16.0, 0.5 / 16.0));
        assert_eq!(a[1], a[0], "two anchors per cell on the 16x16 grid");
        assert_eq!(a[512], (0.5 / 8.0, 0.5 / 8.0), "the 8x8 grid starts after 512 anchors");
        assert_eq!(a[895], (7.5 / 8.0, 7.5 / 8.0));
    }

    #[test]
    fn a_confident_anchor_decodes_to_its_box() {
        let mut reg = vec![0.0; ANCHORS * REGRESSORS];
        let mut logits = vec![-10.0; ANCHORS];
        let i = 600; // 8x8 grid, cell (x=1, y=1)
        logits[i] = 3.0;
        reg[i * REGRESSORS..i * REGRESSORS + 4].copy_from_slice(&[4.0, -4.0, 32.0, 16.0]);
        let faces = decode(&reg, &logits, 128, 0.5);
        assert_eq!(faces.len(), 1);
        let (ax, ay) = anchors()[i];
        let (cx, cy) = (ax * 128.0 + 4.0, ay * 128.0 - 4.0);
        let f = faces[0];
        assert!((f.x0 - (cx - 16.0)).abs() < 1e-3 && (f.x1 - (cx + 16.0)).abs() < 1e-3);
        assert!((f.y0 - (cy - 8.0)).abs() < 1e-3 && (f.y1 - (cy + 8.0)).abs() < 1e-3);
        assert!((f.score - 0.952_574).abs() < 1e-4);
        // The back model: same anchors, regressors in pixels of a 256 input.
        let back = decode(&reg, &logits, 256, 0.5);
        let (cx, cy) = (ax * 256.0 + 4.0, ay * 256.0 - 4.0);
        assert!((back[0].x0 - (cx - 16.0)).abs() < 1e-3 && (back[0].y1 - (cy + 8.0)).abs() < 1e-3);
    }
}
