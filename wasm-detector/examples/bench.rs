//! Native speed of each model per input size: median and p95 ms per frame over repeated runs on
//! a webcam-sized frame (astronaut.png letterboxed by the model's own preprocessing).
//!
//!     cargo run --release -p wasm-detector --example bench [-- RUNS]

use std::path::{Path, PathBuf};
use std::time::Instant;

use wasm_detector::model::{FaceModel, ObjectModel};
use wasm_detector::{FaceModelKind, ObjectModelKind, Rgba};

fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models")
}

fn stats(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    f(); // warm-up
    stats(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect(),
    )
}

/// The machine's load average (Linux), printed next to the figures.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "unknown".into(), |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let photo = image::open(models().join("eval/images/astronaut.png")).expect("run models/fetch.sh images");
    // A 640x480 webcam frame.
    let frame = photo.resize_exact(640, 480, image::imageops::FilterType::Triangle).to_rgba8();
    let img = Rgba::new(640, 480, frame.as_raw()).expect("rgba");
    let read = |f: &str| std::fs::read(models().join(f)).expect("model file (run models/fetch.sh)");
    let profile = if cfg!(debug_assertions) { "debug (use --release for real figures)" } else { "release" };
    println!("native {profile}, 1 thread, {runs} runs on a 640x480 frame, load average before: {}", load());
    println!("| model | input | median ms | p95 ms |");
    println!("|---|---|---|---|");
    let row =
        |model: &str, input: String, (p50, p95): (f64, f64)| println!("| {model} | {input} | {p50:.1} | {p95:.1} |");
    for side in [640, 480, 416, 320] {
        let m = FaceModel::load(FaceModelKind::CenterFace, &read("centerface.onnx"), side).expect("centerface");
        row("CenterFace", format!("{side}x{}", side * 3 / 4 / 32 * 32), time(runs, || drop(m.detect(img, 0.5))));
    }
    let m = FaceModel::load(FaceModelKind::BlazeFace, &read("blazeface.onnx"), 128).expect("blazeface");
    row("BlazeFace", "128x128".into(), time(runs, || drop(m.detect(img, 0.5))));
    let m = FaceModel::load(FaceModelKind::BlazeFaceBack, &read("blazeface-back.onnx"), 256).expect("blazeface back");
    row("BlazeFace back", "256x256".into(), time(runs, || drop(m.detect(img, 0.5))));
    let m = ObjectModel::load(ObjectModelKind::Ssd, &read("ssd.onnx")).expect("ssd");
    row("SSD-MobileNet-v2", "300x300 uint8".into(), time(runs, || drop(m.detect(img, 0.3))));
    row("SSD-MobileNet-v2, frame + 4 tiles", "5 x 300x300".into(), time(runs, || drop(m.detect_tiled(img, 0.3))));
    let m = ObjectModel::load(ObjectModelKind::CenterNet, &read("centernet.onnx")).expect("centernet");
    row("CenterNet", "512x512".into(), time(runs.min(10), || drop(m.detect(img, 0.3))));
    println!("load average after: {}", load());
    for f in ["centerface.onnx", "blazeface.onnx", "blazeface-back.onnx", "ssd.onnx", "centernet.onnx"] {
        let size = std::fs::metadata(models().join(f)).map(|m| m.len()).unwrap_or(0);
        println!("  {f}: {size} bytes ({:.2} MB)", size as f64 / 1e6);
    }
}
