//! Boxes, overlap and non-maximum suppression.

/// An axis-aligned box in pixels of the analysed frame, with its score and class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detection {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// Confidence in 0..=1.
    pub score: f32,
    /// Class index in the model's label set.
    pub class: u16,
}

impl Detection {
    /// Area in square pixels (0 for degenerate boxes).
    pub fn area(&self) -> f32 {
        (self.x1 - self.x0).max(0.0) * (self.y1 - self.y0).max(0.0)
    }

    /// Intersection over union with another box.
    pub fn iou(&self, other: &Detection) -> f32 {
        let w = (self.x1.min(other.x1) - self.x0.max(other.x0)).max(0.0);
        let h = (self.y1.min(other.y1) - self.y0.max(other.y0)).max(0.0);
        let inter = w * h;
        let union = self.area() + other.area() - inter;
        if union <= 0.0 { 0.0 } else { inter / union }
    }
}

/// Greedy per-class non-maximum suppression: keeps the best-scoring box of every cluster whose
/// overlap exceeds `iou_threshold`, dropping boxes under `score_threshold`. Output is sorted by
/// descending score.
pub fn non_max_suppression(mut boxes: Vec<Detection>, score_threshold: f32, iou_threshold: f32) -> Vec<Detection> {
    boxes.retain(|b| b.score >= score_threshold && b.area() > 0.0);
    boxes.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Detection> = Vec::with_capacity(boxes.len());
    for candidate in boxes {
        if kept.iter().all(|k| k.class != candidate.class || k.iou(&candidate) <= iou_threshold) {
            kept.push(candidate);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(x0: f32, y0: f32, x1: f32, y1: f32, score: f32, class: u16) -> Detection {
        Detection { x0, y0, x1, y1, score, class }
    }

    #[test]
    fn iou_of_identical_disjoint_and_half_overlapping_boxes() {
        let a = b(0.0, 0.0, 10.0, 10.0, 1.0, 0);
        assert!((a.iou(&a) - 1.0).abs() < 1e-6);
        assert_eq!(a.iou(&b(20.0, 20.0, 30.0, 30.0, 1.0, 0)), 0.0);
        let half = b(5.0, 0.0, 15.0, 10.0, 1.0, 0);
        assert!((a.iou(&half) - 50.0 / 150.0).abs() < 1e-6);
    }

    #[test]
    fn nms_keeps_best_of_each_cluster_and_each_class() {
        let boxes = vec![
            b(0.0, 0.0, 10.0, 10.0, 0.6, 0),
            b(1.0, 1.0, 11.0, 11.0, 0.9, 0),
            b(1.0, 1.0, 11.0, 11.0, 0.8, 1),
            b(50.0, 50.0, 60.0, 60.0, 0.7, 0),
            b(70.0, 70.0, 80.0, 80.0, 0.1, 0),
        ];
        let kept = non_max_suppression(boxes, 0.3, 0.5);
        let scores: Vec<f32> = kept.iter().map(|d| d.score).collect();
        assert_eq!(scores, vec![0.9, 0.8, 0.7]);
    }
}
