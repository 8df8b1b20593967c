//! CenterNet-style output with the top-K inside the graph: `[1, K, 6]` rows of
//! `x1, y1, x2, y2, score, class` in input pixels.

use crate::Detection;

/// Rows scoring at least `threshold`, in input pixels (before NMS).
pub fn decode(rows: &[f32], threshold: f32) -> Vec<Detection> {
    rows.chunks_exact(6)
        .filter(|r| r[4] >= threshold && r[5] >= 0.0 && r[5] < f32::from(u16::MAX))
        .map(|r| Detection { x0: r[0], y0: r[1], x1: r[2], y1: r[3], score: r[4], class: r[5].round() as u16 })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_rows_above_threshold_with_their_class() {
        let rows = [10.0, 20.0, 30.0, 40.0, 0.7, 67.0, 0.0, 0.0, 5.0, 5.0, 0.1, 0.0, 1.0, 1.0, 2.0, 2.0, 0.9, -1.0];
        let d = decode(&rows, 0.3);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].class, d[0].x1, d[0].score), (67, 30.0, 0.7));
    }
}
