//! `proctorwise detect`: the full server-side models on image files, one report per image.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;
use wasm_detector::Detections;

use super::{DetectionConfig, ServerDetector};

/// Options of the `detect` command (overrides of the configuration), parsed by clap.
#[derive(Debug, Default, clap::Args)]
pub struct DetectOptions {
    /// One JSON object per image and line.
    #[arg(long)]
    pub json: bool,
    /// Face model file (default: PROCTORWISE_FACE_MODEL or models/centerface.onnx).
    #[arg(long)]
    pub face_model: Option<PathBuf>,
    /// Object model file, or `none` for no object model at all (default: PROCTORWISE_OBJECT_MODEL
    /// or models/ssd.onnx, fused with models/centernet.onnx as PROCTORWISE_OBJECT_FUSION says).
    #[arg(long)]
    pub object_model: Option<String>,
    /// Faces count from this score (default 0.5).
    #[arg(long)]
    pub face_threshold: Option<f32>,
    /// Forbidden objects count from this score.
    #[arg(long)]
    pub object_threshold: Option<f32>,
    /// Forbidden objects: comma-separated COCO labels (default: PROCTORWISE_FORBIDDEN_OBJECTS
    /// or "cell phone,book,laptop").
    #[arg(long)]
    pub forbidden_objects: Option<String>,
    /// Image files.
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
}

/// Runs the models on every image; an unreadable image is reported and makes the exit code 1,
/// the other images are still analysed.
pub fn run(mut config: DetectionConfig, options: DetectOptions) -> anyhow::Result<i32> {
    anyhow::ensure!(!options.images.is_empty(), "give at least one image file");
    if let Some(p) = options.face_model {
        config.face_model = p;
    }
    match options.object_model.as_deref() {
        Some("none") => config.object_model = None,
        Some(p) => config.object_model = Some(PathBuf::from(p)),
        None => {}
    }
    if let Some(t) = options.face_threshold {
        config.thresholds.face = t;
    }
    if let Some(t) = options.object_threshold {
        config.thresholds.object = t;
    }
    if let Some(list) = options.forbidden_objects.as_deref() {
        config.thresholds.forbidden =
            super::forbidden_objects(list).map_err(|e| anyhow::anyhow!("--forbidden-objects: {e}"))?;
    }
    let detector = ServerDetector::load(&config)?;
    if !options.json {
        eprintln!("{}", detector.description());
    }
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    for path in &options.images {
        let started = Instant::now();
        let result = std::fs::read(path).map_err(anyhow::Error::from).and_then(|b| detector.analyze_image(&b));
        let ms = started.elapsed().as_millis();
        let image = path.display().to_string();
        match result {
            Ok(d) => writeln!(out, "{}", report(&detector, &image, &d, ms, options.json))?,
            Err(e) => {
                failed += 1;
                if options.json {
                    writeln!(out, "{}", json!({"image": image, "error": format!("{e:#}")}))?;
                } else {
                    writeln!(out, "{image}: error: {e:#}")?;
                }
            }
        }
    }
    Ok(if failed == 0 { 0 } else { 1 })
}

fn report(detector: &ServerDetector, image: &str, d: &Detections, ms: u128, as_json: bool) -> String {
    let flags = detector.flags(d);
    if as_json {
        return json!({"image": image, "faces": d.faces, "objects": d.objects, "flags": flags, "ms": ms}).to_string();
    }
    let t = detector.thresholds();
    let objects: Vec<String> = d.objects.iter().map(|o| format!("{} {:.2}", o.label, o.score)).collect();
    let flags: Vec<String> =
        flags.iter().map(|f| serde_json::to_value(f).map(|v| v.to_string()).unwrap_or_default()).collect();
    format!(
        "{image}: {} face(s) ≥ {:.2}; objects: [{}]; flags: [{}]; {ms} ms",
        t.face_count(d),
        t.face,
        objects.join(", "),
        flags.join(", ").replace('"', "")
    )
}
