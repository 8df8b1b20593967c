//! Accuracy on the labelled evaluation set (models/eval/manifest.json): face-count accuracy
//! (0 / 1 / 2+) and phone precision/recall, for the server models (CenterFace + CenterNet) and
//! the browser models (BlazeFace + CenterNet — the same code the WebAssembly build runs).
//! Composites are generated from the photos and written to models/eval/composites/.
//!
//!     models/fetch.sh images && cargo run --release -p wasm-detector --example evaluate

use std::path::{Path, PathBuf};

use image::{GenericImageView, RgbaImage, imageops};
use serde_json::Value;
use wasm_detector::{Detections, Detector, DetectorConfig, FaceModelKind, ObjectModelKind, Passes, Rgba};

const FACE_THRESHOLD: f32 = 0.5;
const PHONE_THRESHOLDS: [f32; 5] = [0.3, 0.35, 0.4, 0.5, 0.65];

struct Case {
    name: String,
    image: RgbaImage,
    faces: Option<usize>,
    phone: bool,
}

fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models")
}

fn load(name: &str) -> RgbaImage {
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

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(models().join("eval/manifest.json")).expect("manifest");
    let manifest: Value = serde_json::from_str(&text).expect("manifest JSON");
    let faces = |v: &Value| v["faces"].as_u64().map(|n| n as usize);
    let mut out: Vec<Case> = manifest["photos"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| Case {
            name: p["image"].as_str().unwrap_or_default().to_owned(),
            image: load(p["image"].as_str().unwrap_or_default()),
            faces: faces(p),
            phone: p["phone"].as_bool().unwrap_or(false),
        })
        .collect();
    let dir = models().join("eval/composites");
    std::fs::create_dir_all(&dir).expect("composites dir");
    for c in manifest["composites"].as_array().into_iter().flatten() {
        let name = c["name"].as_str().unwrap_or_default().to_owned();
        let image = composite(c);
        image::DynamicImage::ImageRgba8(image.clone()).to_rgb8().save(dir.join(&name)).expect("save composite");
        out.push(Case { name, image, faces: faces(c), phone: c["phone"].as_bool().unwrap_or(false) });
    }
    out
}

fn webcam(img: &RgbaImage) -> RgbaImage {
    if img.width() <= 640 {
        return img.clone();
    }
    let h = (f64::from(img.height()) * 640.0 / f64::from(img.width())).round() as u32;
    imageops::resize(img, 640, h, imageops::FilterType::Triangle)
}

fn class(n: usize) -> usize {
    n.min(2)
}

fn main() {
    let read = |f: &str| std::fs::read(models().join(f)).expect("model file (run models/fetch.sh)");
    let (centerface, blazeface, centernet) = (read("centerface.onnx"), read("blazeface.onnx"), read("centernet.onnx"));
    let config = DetectorConfig::default;
    let server = Detector::load(
        (FaceModelKind::CenterFace, &centerface),
        Some((ObjectModelKind::CenterNet, &centernet)),
        config(),
    )
    .expect("server models");
    let browser = Detector::load(
        (FaceModelKind::BlazeFace, &blazeface),
        Some((ObjectModelKind::CenterNet, &centernet)),
        config(),
    )
    .expect("browser models");
    let browser_wide = Detector::load((FaceModelKind::BlazeFace, &blazeface), None, config())
        .and_then(|d| d.with_wide_faces(FaceModelKind::CenterFace, &centerface, 416))
        .expect("browser wide model");
    let cases = cases();
    println!(
        "| image | faces expected | server (CenterFace 640) | browser BlazeFace | browser CenterFace 416 | phone | best phone score |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut results: Vec<(&Case, [Detections; 3])> = Vec::new();
    for case in &cases {
        let rgba = Rgba::new(case.image.width(), case.image.height(), case.image.as_raw()).expect("rgba");
        let s = server.detect(rgba).expect("server detect");
        // The browser analyses webcam frames at most 640 px wide (static/detector.js `grab`).
        let small = webcam(&case.image);
        let rgba = Rgba::new(small.width(), small.height(), small.as_raw()).expect("rgba");
        let b = browser.detect_timed(rgba, Passes::default()).expect("browser detect").0;
        let w = browser_wide.detect_timed(rgba, Passes { wide_faces: true, ..Passes::default() }).expect("wide").0;
        let count = |d: &Detections| d.faces.iter().filter(|f| f.score >= FACE_THRESHOLD).count();
        let phone = best_phone(&s);
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.2} |",
            case.name,
            case.faces.map_or("–".into(), |n| n.to_string()),
            count(&s),
            count(&b),
            count(&w),
            if case.phone { "yes" } else { "no" },
            phone
        );
        results.push((case, [s, b, w]));
    }
    let labels = ["server (CenterFace 640)", "browser (BlazeFace 128)", "browser (CenterFace 416)"];
    for (pick, label) in labels.iter().enumerate() {
        let scored: Vec<(usize, usize)> = results
            .iter()
            .filter_map(|(c, d)| {
                let n = d[pick].faces.iter().filter(|f| f.score >= FACE_THRESHOLD).count();
                c.faces.map(|e| (e, n))
            })
            .collect();
        let classes = scored.iter().filter(|(e, n)| class(*e) == class(*n)).count();
        let exact = scored.iter().filter(|(e, n)| e == n).count();
        println!(
            "\n{label}: face-count class (0/1/2+) accuracy {classes}/{} = {:.0} %, exact count {exact}/{} = {:.0} %",
            scored.len(),
            100.0 * classes as f64 / scored.len() as f64,
            scored.len(),
            100.0 * exact as f64 / scored.len() as f64
        );
    }
    println!(
        "\nphone (CenterNet, same model in browser and server), {} images, {} with a phone:",
        results.len(),
        results.iter().filter(|r| r.0.phone).count()
    );
    for t in PHONE_THRESHOLDS {
        let (mut tp, mut fp, mut fne) = (0, 0, 0);
        for (c, d) in &results {
            let hit = best_phone(&d[0]) >= t;
            match (hit, c.phone) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fne += 1,
                _ => {}
            }
        }
        let precision = if tp + fp == 0 { 1.0 } else { tp as f64 / (tp + fp) as f64 };
        let recall = tp as f64 / (tp + fne).max(1) as f64;
        let forbidden_fp = results
            .iter()
            .filter(|(c, d)| {
                !c.phone
                    && d[0]
                        .objects
                        .iter()
                        .any(|o| o.score >= t && ["cell phone", "book", "laptop"].contains(&o.label.as_str()))
            })
            .count();
        println!(
            "  threshold {t:.2}: images without a phone flagged for a forbidden object (phone, book, laptop): {forbidden_fp}"
        );
        println!(
            "  threshold {t:.2}: precision {:.0} % ({tp}/{}), recall {:.0} % ({tp}/{})",
            precision * 100.0,
            tp + fp,
            recall * 100.0,
            tp + fne
        );
    }
}

fn best_phone(d: &Detections) -> f32 {
    d.objects.iter().filter(|o| o.label == "cell phone").map(|o| o.score).fold(0.0, f32::max)
}
