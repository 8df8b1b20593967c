//! From RGBA pixels (a browser `ImageData` or a decoded file) to a model's input tensor:
//! bilinear resize, optional letterbox, channel layout and value scaling — and back from model
//! coordinates to frame pixels.

/// A borrowed RGBA8 image, row-major, 4 bytes per pixel.
#[derive(Clone, Copy, Debug)]
pub struct Rgba<'a> {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes.
    pub data: &'a [u8],
}

impl<'a> Rgba<'a> {
    /// Checks the buffer length against the dimensions.
    pub fn new(width: u32, height: u32, data: &'a [u8]) -> Result<Self, String> {
        let expected = (width as usize) * (height as usize) * 4;
        if width == 0 || height == 0 {
            return Err("the image is empty".into());
        }
        if data.len() != expected {
            return Err(format!("RGBA buffer has {} bytes, {width}x{height} needs {expected}", data.len()));
        }
        Ok(Self { width, height, data })
    }

    /// A copy of the region `x, y, w, h` (clamped to the image) as its own RGBA buffer.
    pub fn crop(&self, x: u32, y: u32, w: u32, h: u32) -> (u32, u32, Vec<u8>) {
        let (x, y) = (x.min(self.width - 1), y.min(self.height - 1));
        let (w, h) = (w.min(self.width - x).max(1), h.min(self.height - y).max(1));
        let mut out = Vec::with_capacity((w * h * 4) as usize);
        for row in y..y + h {
            let start = ((row * self.width + x) * 4) as usize;
            out.extend_from_slice(&self.data[start..start + (w * 4) as usize]);
        }
        (w, h, out)
    }

    fn px(&self, x: usize, y: usize, c: usize) -> f32 {
        f32::from(self.data[(y * self.width as usize + x) * 4 + c])
    }
}

/// Memory order of the input tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `[1, 3, H, W]`.
    Nchw,
    /// `[1, H, W, 3]`.
    Nhwc,
}

/// How a model wants its input.
#[derive(Clone, Copy, Debug)]
pub struct InputSpec {
    /// Tensor width.
    pub width: usize,
    /// Tensor height.
    pub height: usize,
    /// Channel order in memory.
    pub layout: Layout,
    /// Keep the aspect ratio and pad (true) or stretch to the tensor size (false).
    pub letterbox: bool,
    /// Padding, as a raw 0..255 pixel value (before scaling).
    pub pad: f32,
    /// value = pixel * scale + offset.
    pub scale: f32,
    /// See `scale`.
    pub offset: f32,
}

/// Maps model-input coordinates back to frame pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transform {
    /// Horizontal frame pixels per input pixel.
    pub sx: f32,
    /// Vertical frame pixels per input pixel.
    pub sy: f32,
    /// Left padding in input pixels.
    pub pad_x: f32,
    /// Top padding in input pixels.
    pub pad_y: f32,
    /// Frame width, to clamp boxes.
    pub frame_w: f32,
    /// Frame height, to clamp boxes.
    pub frame_h: f32,
}

impl Transform {
    /// A box in input pixels → a box in frame pixels, clamped to the frame.
    pub fn to_frame(&self, b: [f32; 4]) -> [f32; 4] {
        let x = |v: f32| ((v - self.pad_x) * self.sx).clamp(0.0, self.frame_w);
        let y = |v: f32| ((v - self.pad_y) * self.sy).clamp(0.0, self.frame_h);
        [x(b[0]), y(b[1]), x(b[2]), y(b[3])]
    }
}

/// The input tensor's values (`[1,3,H,W]` or `[1,H,W,3]` order) and the way back.
pub fn to_input(img: Rgba<'_>, spec: &InputSpec) -> (Vec<f32>, Transform) {
    let (fw, fh) = (img.width as f32, img.height as f32);
    let (tw, th) = (spec.width as f32, spec.height as f32);
    let (cw, ch) = if spec.letterbox {
        let s = (tw / fw).min(th / fh);
        ((fw * s).round().clamp(1.0, tw), (fh * s).round().clamp(1.0, th))
    } else {
        (tw, th)
    };
    let pad_x = ((tw - cw) / 2.0).floor();
    let pad_y = ((th - ch) / 2.0).floor();
    let transform = Transform { sx: fw / cw, sy: fh / ch, pad_x, pad_y, frame_w: fw, frame_h: fh };
    let plane = spec.width * spec.height;
    let pad = spec.pad * spec.scale + spec.offset;
    let mut out = vec![pad; plane * 3];
    let (x0, y0) = (pad_x as usize, pad_y as usize);
    let (cw_i, ch_i) = (cw as usize, ch as usize);
    let (max_x, max_y) = (img.width as usize - 1, img.height as usize - 1);
    for ty in 0..ch_i {
        // Sample at pixel centres (same convention as OpenCV / PIL bilinear).
        let sy = ((ty as f32 + 0.5) * transform.sy - 0.5).clamp(0.0, max_y as f32);
        let (ya, fy) = (sy.floor() as usize, sy.fract());
        let yb = (ya + 1).min(max_y);
        for tx in 0..cw_i {
            let sx = ((tx as f32 + 0.5) * transform.sx - 0.5).clamp(0.0, max_x as f32);
            let (xa, fx) = (sx.floor() as usize, sx.fract());
            let xb = (xa + 1).min(max_x);
            let (oy, ox) = (y0 + ty, x0 + tx);
            for c in 0..3 {
                let top = img.px(xa, ya, c) * (1.0 - fx) + img.px(xb, ya, c) * fx;
                let bottom = img.px(xa, yb, c) * (1.0 - fx) + img.px(xb, yb, c) * fx;
                let v = (top * (1.0 - fy) + bottom * fy) * spec.scale + spec.offset;
                let i = match spec.layout {
                    Layout::Nchw => c * plane + oy * spec.width + ox,
                    Layout::Nhwc => (oy * spec.width + ox) * 3 + c,
                };
                out[i] = v;
            }
        }
    }
    (out, transform)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(width: usize, height: usize, layout: Layout, letterbox: bool) -> InputSpec {
        InputSpec { width, height, layout, letterbox, pad: 0.0, scale: 1.0, offset: 0.0 }
    }

    #[test]
    fn crop_copies_the_region_and_clamps_it() {
        let data: Vec<u8> = (0..16u8).flat_map(|i| [i, i, i, 255]).collect();
        let img = Rgba::new(4, 4, &data).expect("valid image");
        let (w, h, px) = img.crop(1, 2, 2, 5);
        assert_eq!((w, h), (2, 2));
        assert_eq!(px.chunks(4).map(|p| p[0]).collect::<Vec<_>>(), vec![9, 10, 13, 14]);
    }

    #[test]
    fn rejects_a_buffer_of_the_wrong_size() {
        assert!(Rgba::new(2, 2, &[0; 15]).is_err());
        assert!(Rgba::new(0, 2, &[]).is_err());
        assert!(Rgba::new(2, 2, &[0; 16]).is_ok());
    }

    #[test]
    fn letterbox_pads_the_short_side_and_maps_boxes_back() {
        // 4x2 red image into an 8x8 tensor: scaled x2 to 8x4, padded 2 rows above and below.
        let data: Vec<u8> = (0..8).flat_map(|_| [200, 10, 0, 255]).collect();
        let img = Rgba::new(4, 2, &data).expect("valid image");
        let (t, tr) = to_input(img, &InputSpec { pad: 7.0, ..spec(8, 8, Layout::Nchw, true) });
        assert_eq!(t.len(), 3 * 64);
        assert_eq!(t[0], 7.0, "top-left is padding");
        assert_eq!(t[2 * 8 + 3], 200.0, "red plane inside the image");
        assert_eq!(t[64 + 2 * 8 + 3], 10.0, "green plane");
        assert_eq!(tr.to_frame([0.0, 2.0, 8.0, 6.0]), [0.0, 0.0, 4.0, 2.0]);
    }

    #[test]
    fn stretch_fills_the_tensor_and_applies_scaling_in_nhwc() {
        let data: Vec<u8> = (0..4).flat_map(|_| [255, 0, 127, 255]).collect();
        let img = Rgba::new(2, 2, &data).expect("valid image");
        let s = InputSpec { scale: 1.0 / 127.5, offset: -1.0, ..spec(3, 5, Layout::Nhwc, false) };
        let (t, tr) = to_input(img, &s);
        assert_eq!(t.len(), 45);
        assert!((t[0] - 1.0).abs() < 1e-6 && (t[1] + 1.0).abs() < 1e-6 && t[2].abs() < 0.01);
        assert_eq!(tr.pad_x, 0.0);
        assert!((tr.sx - 2.0 / 3.0).abs() < 1e-6 && (tr.sy - 0.4).abs() < 1e-6);
    }

    #[test]
    fn bilinear_interpolates_between_pixels() {
        // 2x1 black→white upscaled to 4x1: values between 0 and 255, increasing.
        let data = [0, 0, 0, 255, 255, 255, 255, 255];
        let img = Rgba::new(2, 1, &data).expect("valid image");
        let (t, _) = to_input(img, &spec(4, 1, Layout::Nhwc, false));
        let reds: Vec<f32> = t.chunks(3).map(|p| p[0]).collect();
        assert_eq!(reds[0], 0.0);
        assert_eq!(reds[3], 255.0);
        assert!(reds[1] > 0.0 && reds[1] < reds[2] && reds[2] < 255.0);
    }
}
