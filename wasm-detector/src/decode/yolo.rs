//! YOLOv8 / YOLO11 detection head: `[1, 4 + C, N]` (or transposed `[1, N, 4 + C]`) with
//! `cx, cy, w, h` in input pixels followed by C class scores (already sigmoid, no objectness).

use crate::Detection;

/// Boxes whose best class scores at least `threshold`, in input pixels (before NMS).
/// `shape` is the output's shape; `classes` the label count. Unknown shapes decode to nothing.
pub fn decode(data: &[f32], shape: &[usize], classes: usize, threshold: f32) -> Vec<Detection> {
    let attrs = 4 + classes;
    let (n, channels_first) = match shape {
        [1, a, n] if *a == attrs => (*n, true),
        [1, n, a] if *a == attrs => (*n, false),
        _ => return Vec::new(),
    };
    if data.len() < attrs * n {
        return Vec::new();
    }
    let at = |i: usize, k: usize| if channels_first { data[k * n + i] } else { data[i * attrs + k] };
    (0..n)
        .filter_map(|i| {
            let (class, score) = (0..classes).map(|c| (c, at(i, 4 + c))).max_by(|a, b| a.1.total_cmp(&b.1))?;
            if score < threshold {
                return None;
            }
            let (cx, cy, w, h) = (at(i, 0), at(i, 1), at(i, 2), at(i, 3));
            Some(Detection {
                x0: cx - w / 2.0,
                y0: cy - h / 2.0,
                x1: cx + w / 2.0,
                y1: cy + h / 2.0,
                score,
                class: u16::try_from(class).unwrap_or(u16::MAX),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic `[1, 84, 3]` head: anchor 1 is a cell phone at (100, 50) sized 20x40.
    fn head() -> Vec<f32> {
        let n = 3;
        let mut t = vec![0.0; 84 * n];
        let set = |t: &mut Vec<f32>, k: usize, i: usize, v: f32| t[k * n + i] = v;
        for (k, v) in [(0, 100.0), (1, 50.0), (2, 20.0), (3, 40.0)] {
            set(&mut t, k, 1, v);
        }
        set(&mut t, 4 + 67, 1, 0.81);
        set(&mut t, 4, 1, 0.2);
        set(&mut t, 4, 2, 0.1); // a weak person elsewhere
        t
    }

    #[test]
    fn decodes_channels_first_output() {
        let d = decode(&head(), &[1, 84, 3], 80, 0.25);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].class, 67);
        assert_eq!((d[0].x0, d[0].y0, d[0].x1, d[0].y1), (90.0, 30.0, 110.0, 70.0));
        assert!((d[0].score - 0.81).abs() < 1e-6);
    }

    #[test]
    fn decodes_the_transposed_layout_identically() {
        let h = head();
        let mut t = vec![0.0; h.len()];
        for k in 0..84 {
            for i in 0..3 {
                t[i * 84 + k] = h[k * 3 + i];
            }
        }
        assert_eq!(decode(&t, &[1, 3, 84], 80, 0.25), decode(&h, &[1, 84, 3], 80, 0.25));
    }

    #[test]
    fn unknown_shapes_decode_to_nothing() {
        assert!(decode(&head(), &[1, 85, 3], 80, 0.25).is_empty());
        assert!(decode(&[], &[1, 84, 3], 80, 0.25).is_empty());
    }
}
