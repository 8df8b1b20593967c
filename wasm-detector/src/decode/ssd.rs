//! SSD-MobileNet-v2 COCO (Google Coral's quantised model) cut before its NMS: decoded boxes
//! `[1, 1917, 4]` as `ymin, xmin, ymax, xmax` in 0..1 and sigmoid scores `[1, 90, 1917]`
//! (class k = COCO-90 id k, background already removed). Boxes of every class scoring at least
//! the threshold go through a per-class NMS, as the graph's own post-processing did.

use crate::Detection;
use crate::geometry::non_max_suppression;
use crate::labels::coco80_from_coco90;

/// Input side (the frame is stretched to 300x300).
pub const INPUT: usize = 300;
/// Number of anchors.
pub const ANCHORS: usize = 1917;
/// Number of COCO-90 classes in the score tensor.
pub const CLASSES: usize = 90;
/// Overlap above which a weaker box of the same class is dropped (the graph's own value).
pub const NMS_IOU: f32 = 0.6;

/// Boxes scoring at least `threshold` for a COCO-80 class, in input pixels, after per-class
/// NMS, best first; `class` is the COCO-80 index. Short tensors decode to nothing.
pub fn decode(boxes: &[f32], scores: &[f32], threshold: f32) -> Vec<Detection> {
    if boxes.len() < ANCHORS * 4 || scores.len() < ANCHORS * CLASSES {
        return Vec::new();
    }
    let side = INPUT as f32;
    let mut found = Vec::new();
    for id in 0..CLASSES {
        let Some(class) = coco80_from_coco90(id) else { continue };
        let row = &scores[id * ANCHORS..(id + 1) * ANCHORS];
        for (i, &score) in row.iter().enumerate() {
            if score < threshold {
                continue;
            }
            let b = &boxes[i * 4..i * 4 + 4];
            let px = |v: f32| v.clamp(0.0, 1.0) * side;
            found.push(Detection { x0: px(b[1]), y0: px(b[0]), x1: px(b[3]), y1: px(b[2]), score, class });
        }
    }
    non_max_suppression(found, threshold, NMS_IOU)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic outputs: every score 0 except the given (COCO-90 id, anchor, score) triples.
    fn tensors(boxes: &[(usize, [f32; 4])], scores: &[(usize, usize, f32)]) -> (Vec<f32>, Vec<f32>) {
        let mut b = vec![0.0; ANCHORS * 4];
        for (i, v) in boxes {
            b[i * 4..i * 4 + 4].copy_from_slice(v);
        }
        let mut s = vec![0.0; ANCHORS * CLASSES];
        for &(id, i, v) in scores {
            s[id * ANCHORS + i] = v;
        }
        (b, s)
    }

    #[test]
    fn a_phone_decodes_to_its_coco80_label_and_pixel_box() {
        // COCO-90 id 76 is "cell phone", COCO-80 index 67.
        let (b, s) = tensors(&[(10, [0.5, 0.1, 0.6, 0.3])], &[(76, 10, 0.72), (0, 11, 0.1)]);
        let d = decode(&b, &s, 0.3);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].class, 67);
        assert_eq!(crate::labels::coco_label(d[0].class), "cell phone");
        let (x0, y0, x1, y1) = (d[0].x0, d[0].y0, d[0].x1, d[0].y1);
        assert!((x0 - 30.0).abs() < 1e-3 && (y0 - 150.0).abs() < 1e-3, "xmin and ymin swap into x0, y0");
        assert!((x1 - 90.0).abs() < 1e-3 && (y1 - 180.0).abs() < 1e-3);
        assert!((d[0].score - 0.72).abs() < 1e-6);
    }

    #[test]
    fn ids_past_the_gaps_map_to_their_coco80_names() {
        // 72 laptop → 63, 83 book → 73, 0 person → 0; 11 is a gap of the COCO-90 ids.
        let (b, s) = tensors(
            &[
                (0, [0.0, 0.0, 0.5, 0.5]),
                (1, [0.5, 0.5, 1.0, 1.0]),
                (2, [0.0, 0.5, 0.5, 1.0]),
                (3, [0.5, 0.0, 1.0, 0.5]),
            ],
            &[(72, 0, 0.9), (83, 1, 0.8), (0, 2, 0.7), (11, 3, 0.95)],
        );
        let labels: Vec<String> = decode(&b, &s, 0.5).iter().map(|d| crate::labels::coco_label(d.class)).collect();
        assert_eq!(labels, ["laptop", "book", "person"]);
    }

    #[test]
    fn nms_is_per_class() {
        // Two overlapping phone boxes and a book on the same spot: one phone and the book stay.
        let same = [0.2, 0.2, 0.4, 0.4];
        let near = [0.21, 0.2, 0.41, 0.4];
        let (b, s) = tensors(&[(5, same), (6, near)], &[(76, 5, 0.6), (76, 6, 0.8), (83, 5, 0.5)]);
        let d = decode(&b, &s, 0.3);
        let got: Vec<(u16, f32)> = d.iter().map(|d| (d.class, d.score)).collect();
        assert_eq!(got, [(67, 0.8), (73, 0.5)]);
        // Disjoint phones are both kept.
        let (b, s) = tensors(&[(5, same), (6, [0.7, 0.7, 0.9, 0.9])], &[(76, 5, 0.6), (76, 6, 0.8)]);
        assert_eq!(decode(&b, &s, 0.3).len(), 2);
    }

    #[test]
    fn thresholds_and_short_tensors() {
        let (b, s) = tensors(&[(5, [0.2, 0.2, 0.4, 0.4])], &[(76, 5, 0.29)]);
        assert!(decode(&b, &s, 0.3).is_empty());
        assert!(decode(&b[..100], &s, 0.1).is_empty());
    }
}
