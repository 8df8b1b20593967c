//! The labelled cases: the manifest's photos and the composites made from them.

use std::path::{Path, PathBuf};

use image::{GenericImageView, RgbaImage, imageops};
use serde_json::Value;

/// The forbidden labels scored by the evaluation.
pub const LABELS: [&str; 3] = ["cell phone", "book", "laptop"];

/// One labelled image.
pub struct Case {
    pub name: String,
    pub image: RgbaImage,
    /// Clearly visible faces (`None`: ambiguous, not scored).
    pub faces: Option<usize>,
    /// Forbidden objects visible (labels of `LABELS`).
    pub objects: Vec<String>,
}

pub fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models")
}

pub fn load(name: &str) -> RgbaImage {
    let path = models().join("eval/images").join(name);
    image::open(&path).unwrap_or_else(|e| panic!("{}: {e} (run models/fetch.sh images)", path.display())).to_rgba8()
}

fn num(v: &Value, i: usize) -> u32 {
    v[i].as_u64().unwrap_or(0) as u32
}

fn composite(spec: &Value) -> RgbaImage {
    let mut base = load(spec["base"].as_str().unwrap_or_default());
    for p in spec["paste"].as_array().into_iter().flatten() {
        let from = load(p["from"].as_str().unwrap_or_default());
        let r = &p["rect"];
        let crop = from.view(num(r, 0), num(r, 1), num(r, 2), num(r, 3)).to_image();
        let scale = p["scale"].as_f64().unwrap_or(1.0);
        let (w, h) = ((f64::from(crop.width()) * scale) as u32, (f64::from(crop.height()) * scale) as u32);
        let piece = imageops::resize(&crop, w, h, imageops::FilterType::Triangle);
        imageops::overlay(&mut base, &piece, i64::from(num(&p["at"], 0)), i64::from(num(&p["at"], 1)));
    }
    base
}

fn labelled(v: &Value, name: String, image: RgbaImage) -> Case {
    let objects = v["objects"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect();
    Case { name, image, faces: v["faces"].as_u64().map(|n| n as usize), objects }
}

/// Every case of the manifest; composites are also written to models/eval/composites/.
pub fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(models().join("eval/manifest.json")).expect("manifest");
    let manifest: Value = serde_json::from_str(&text).expect("manifest JSON");
    let mut out: Vec<Case> = manifest["photos"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let name = p["image"].as_str().unwrap_or_default().to_owned();
            let image = load(&name);
            labelled(p, name, image)
        })
        .collect();
    let dir = models().join("eval/composites");
    std::fs::create_dir_all(&dir).expect("composites dir");
    for c in manifest["composites"].as_array().into_iter().flatten() {
        let name = c["name"].as_str().unwrap_or_default().to_owned();
        let image = composite(c);
        image::DynamicImage::ImageRgba8(image.clone()).to_rgb8().save(dir.join(&name)).expect("save composite");
        out.push(labelled(c, name, image));
    }
    out
}

/// The frame a browser sends: at most 640 px wide (static/detector.js `grab`).
pub fn webcam(img: &RgbaImage) -> RgbaImage {
    if img.width() <= 640 {
        return img.clone();
    }
    let h = (f64::from(img.height()) * 640.0 / f64::from(img.width())).round() as u32;
    imageops::resize(img, 640, h, imageops::FilterType::Triangle)
}

/// A "distant" version of a portrait: the photo scaled by `scale` and centred on a grey
/// 640x480 frame, as the same person further from the camera.
pub fn distant(img: &RgbaImage, scale: f64) -> RgbaImage {
    let (w, h) = ((f64::from(img.width()) * scale) as u32, (f64::from(img.height()) * scale) as u32);
    let small = imageops::resize(img, w.max(1), h.max(1), imageops::FilterType::Triangle);
    let mut frame = RgbaImage::from_pixel(640, 480, image::Rgba([118, 118, 118, 255]));
    imageops::overlay(&mut frame, &small, (640 - i64::from(w)) / 2, (480 - i64::from(h)) / 2);
    frame
}
