//! CenterFace (stride 4): a face-centre heatmap plus log-scale sizes and sub-cell offsets.

use crate::Detection;

/// The four heads of one CenterFace run (landmarks are not used).
pub struct CenterFaceOutput<'a> {
    /// Heatmap, `[H/4 * W/4]`.
    pub heat: &'a [f32],
    /// Log box sizes, `[2, H/4, W/4]`: height then width.
    pub scale: &'a [f32],
    /// Centre offsets, `[2, H/4, W/4]`: y then x.
    pub offset: &'a [f32],
    /// Heatmap width (input width / 4).
    pub cols: usize,
    /// Heatmap height (input height / 4).
    pub rows: usize,
}

/// Boxes of every heatmap cell at or above `threshold`, in input pixels (before NMS).
pub fn decode(out: &CenterFaceOutput<'_>, threshold: f32) -> Vec<Detection> {
    let plane = out.rows * out.cols;
    if out.heat.len() < plane || out.scale.len() < 2 * plane || out.offset.len() < 2 * plane {
        return Vec::new();
    }
    let (max_x, max_y) = ((out.cols * 4) as f32, (out.rows * 4) as f32);
    let mut faces = Vec::new();
    for y in 0..out.rows {
        for x in 0..out.cols {
            let i = y * out.cols + x;
            let score = out.heat[i];
            if score < threshold {
                continue;
            }
            let h = out.scale[i].exp() * 4.0;
            let w = out.scale[plane + i].exp() * 4.0;
            let (oy, ox) = (out.offset[i], out.offset[plane + i]);
            let x0 = ((x as f32 + ox + 0.5) * 4.0 - w / 2.0).max(0.0);
            let y0 = ((y as f32 + oy + 0.5) * 4.0 - h / 2.0).max(0.0);
            faces.push(Detection { x0, y0, x1: (x0 + w).min(max_x), y1: (y0 + h).min(max_y), score, class: 0 });
        }
    }
    faces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hot_cell_becomes_one_box_centred_on_it() {
        let (rows, cols) = (4, 4);
        let mut heat = vec![0.0; 16];
        heat[4 + 2] = 0.9; // row 1, col 2
        let mut scale = vec![0.0; 32];
        scale[4 + 2] = (8.0f32 / 4.0).ln(); // height 8
        scale[16 + 4 + 2] = (4.0f32 / 4.0).ln(); // width 4
        let offset = vec![0.0; 32];
        let out = CenterFaceOutput { heat: &heat, scale: &scale, offset: &offset, cols, rows };
        let faces = decode(&out, 0.5);
        assert_eq!(faces.len(), 1);
        let f = faces[0];
        // centre x = (2 + 0.5) * 4 = 10, y = (1 + 0.5) * 4 = 6
        assert!((f.x0 - 8.0).abs() < 1e-4 && (f.x1 - 12.0).abs() < 1e-4);
        assert!((f.y0 - 2.0).abs() < 1e-4 && (f.y1 - 10.0).abs() < 1e-4);
        assert!(decode(&out, 0.95).is_empty());
    }

    #[test]
    fn short_outputs_decode_to_nothing() {
        let out = CenterFaceOutput { heat: &[1.0], scale: &[], offset: &[], cols: 1, rows: 1 };
        assert!(decode(&out, 0.5).is_empty());
    }
}
