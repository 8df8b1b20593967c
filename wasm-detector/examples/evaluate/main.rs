//! Accuracy on the labelled evaluation set (models/eval/manifest.json):
//! - face-count class accuracy (0 / 1 / 2+), missed and extra faces, for the server's face
//!   model (CenterFace 640) and the browser's candidates (BlazeFace 128 and back 256, and the
//!   CenterFace 416 second pass), plus a "distant person" series: portraits shrunk into a
//!   640x480 frame, to see from which face size each model misses them;
//! - phone / book / laptop precision and recall for CenterNet, SSD-MobileNet-v2 and their
//!   fusion rules, at several thresholds, on the frames the server receives (≤ 640 px wide).
//!
//! Composites are generated from the photos and written to models/eval/composites/.
//!
//!     models/fetch.sh images && cargo run -p wasm-detector --example evaluate [-- OPTIONS]
//!
//! Options: `--objects-only` (skip the face figures), `--ssd-tiles` (SSD also on four tiles).

mod cases;
mod objects;

use wasm_detector::{Detections, Detector, DetectorConfig, FaceModelKind, ObjectModelKind, Passes, Rgba};

use cases::{Case, cases, distant, load, models, webcam};

const FACE_THRESHOLD: f32 = 0.5;
/// Objects are listed from this score so that every threshold of the tables can be applied.
const OBJECT_FLOOR: f32 = 0.15;

fn rgba(img: &image::RgbaImage) -> Rgba<'_> {
    Rgba::new(img.width(), img.height(), img.as_raw()).expect("rgba")
}

fn count(d: &Detections, threshold: f32) -> usize {
    d.faces.iter().filter(|f| f.score >= threshold).count()
}

const FACE_MODELS: usize = 6;

struct FaceModels {
    names: [&'static str; FACE_MODELS],
    detectors: [Detector; FACE_MODELS],
    /// Face threshold of each row (the back model is also tried at MediaPipe's stricter 0.65).
    thresholds: [f32; FACE_MODELS],
}

fn face_models() -> FaceModels {
    let read = |f: &str| std::fs::read(models().join(f)).expect("model file (run models/fetch.sh)");
    let config = DetectorConfig { face_score: FACE_THRESHOLD, ..DetectorConfig::default() };
    let face = |kind, file: &str| Detector::load((kind, &read(file)), None, config.clone()).expect("face model");
    let wide = Detector::load((FaceModelKind::BlazeFace, &read("blazeface.onnx")), None, config.clone())
        .and_then(|d| d.with_wide_faces(FaceModelKind::CenterFace, &read("centerface.onnx"), 416))
        .expect("wide face model");
    FaceModels {
        names: [
            "server CenterFace 640",
            "browser BlazeFace 128",
            "browser BlazeFace back 256",
            "browser CenterFace 416",
            "browser BlazeFace back 256 ≥ 0.65",
            "server CenterFace 416 (confirmation pass)",
        ],
        detectors: [
            face(FaceModelKind::CenterFace, "centerface.onnx"),
            face(FaceModelKind::BlazeFace, "blazeface.onnx"),
            face(FaceModelKind::BlazeFaceBack, "blazeface-back.onnx"),
            wide,
            face(FaceModelKind::BlazeFaceBack, "blazeface-back.onnx"),
            Detector::load(
                (FaceModelKind::CenterFace, &read("centerface.onnx")),
                None,
                DetectorConfig { face_side: 416, ..config.clone() },
            )
            .expect("face model"),
        ],
        thresholds: [FACE_THRESHOLD, FACE_THRESHOLD, FACE_THRESHOLD, FACE_THRESHOLD, 0.65, FACE_THRESHOLD],
    }
}

/// Faces found by each model: the server on the frame as received, the browser models on the
/// webcam-sized frame (the wide model is asked for its pass).
fn faces(m: &FaceModels, case: &Case) -> [usize; FACE_MODELS] {
    let small = webcam(&case.image);
    std::array::from_fn(|i| {
        let (img, passes) = match i {
            0 => (&case.image, Passes::default()),
            3 => (&small, Passes { wide_faces: true, ..Passes::default() }),
            _ => (&small, Passes::default()),
        };
        count(&m.detectors[i].detect_timed(rgba(img), passes).expect("detect").0, m.thresholds[i])
    })
}

fn face_summary(m: &FaceModels, cases: &[Case], found: &[[usize; FACE_MODELS]]) {
    println!(
        "\n| face model | count class (0/1/2+) | exact count | faces missed | extra faces | faces in 0-face images |"
    );
    println!("|---|---|---|---|---|---|");
    for (i, name) in m.names.iter().enumerate() {
        let scored: Vec<(usize, usize)> =
            cases.iter().zip(found).filter_map(|(c, f)| c.faces.map(|e| (e, f[i]))).collect();
        let n = scored.len();
        let class = scored.iter().filter(|(e, f)| (*e).min(2) == (*f).min(2)).count();
        let exact = scored.iter().filter(|(e, f)| e == f).count();
        let missed: usize = scored.iter().map(|(e, f)| e.saturating_sub(*f)).sum();
        let extra: usize = scored.iter().map(|(e, f)| f.saturating_sub(*e)).sum();
        let empty: usize = scored.iter().filter(|(e, _)| *e == 0).map(|(_, f)| f).sum();
        let expected: usize = scored.iter().map(|(e, _)| e).sum();
        println!(
            "| {name} | {class}/{n} = {:.0} % | {exact}/{n} | {missed}/{expected} | {extra} | {empty} |",
            100.0 * class as f64 / n as f64
        );
    }
    // The server confirms a two-face flag at 416 without the 640 pass: its only risk is seeing
    // two faces where there is at most one.
    let false_two: Vec<&str> = cases
        .iter()
        .zip(found)
        .filter(|(c, f)| c.faces.is_some_and(|e| e <= 1) && f[5] >= 2)
        .map(|(c, _)| c.name.as_str())
        .collect();
    let pairs = cases.iter().zip(found).filter(|(c, f)| c.faces.is_some_and(|e| e >= 2) && f[5] >= 2).count();
    let groups = cases.iter().filter(|c| c.faces.is_some_and(|e| e >= 2)).count();
    println!(
        "\nConfirmation pass (CenterFace 416): 2+ faces seen in {} of the images with at most one face {:?}; \
         in {pairs} of the {groups} images with two or more (the others go on to the 640 pass).",
        false_two.len(),
        false_two
    );
}

/// Portraits (one face each) shrunk so that the face is about `w` px wide in a 640x480 frame.
fn distant_series(m: &FaceModels) {
    let portraits = ["astronaut.png", "grace_hopper.jpg", "obama.jpg", "webcam_screenshot.png", "Tom_Hanks_54745.png"];
    let widths = [96.0, 64.0, 48.0, 40.0, 32.0, 24.0];
    println!(
        "\nDistant person: {} portraits shrunk into a 640x480 frame; faces found (of 1) per face width:\n",
        portraits.len()
    );
    println!("| face model | {} |", widths.map(|w| format!("{w} px")).join(" | "));
    println!("|---|{}", "---|".repeat(widths.len()));
    let photos: Vec<(image::RgbaImage, f64)> = portraits
        .iter()
        .map(|p| {
            let img = load(p);
            let d = m.detectors[0].detect(rgba(&img)).expect("detect");
            let face = d.faces.first().map_or(100.0, |f| f64::from(f.bbox[2] - f.bbox[0]));
            (img, face)
        })
        .collect();
    for (i, name) in m.names.iter().enumerate().skip(1) {
        let cells: Vec<String> = widths
            .iter()
            .map(|w| {
                let hits = photos
                    .iter()
                    .filter(|(img, face)| {
                        let frame = distant(img, w / face);
                        let passes = Passes { wide_faces: i == 3, ..Passes::default() };
                        let d = m.detectors[i].detect_timed(rgba(&frame), passes).expect("detect").0;
                        count(&d, m.thresholds[i]) == 1
                    })
                    .count();
                format!("{hits}/{}", photos.len())
            })
            .collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
}

fn object_models(ssd_tiles: bool) -> (Detector, Detector) {
    let read = |f: &str| std::fs::read(models().join(f)).expect("model file (run models/fetch.sh)");
    let config = DetectorConfig { object_score: OBJECT_FLOOR, tiles: ssd_tiles, ..DetectorConfig::default() };
    let face = read("blazeface.onnx");
    let load = |kind, file: &str| {
        Detector::load((FaceModelKind::BlazeFace, &face), Some((kind, &read(file))), config.clone()).expect("model")
    };
    (load(ObjectModelKind::Ssd, "ssd.onnx"), load(ObjectModelKind::CenterNet, "centernet.onnx"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (objects_only, ssd_tiles) =
        (args.iter().any(|a| a == "--objects-only"), args.iter().any(|a| a == "--ssd-tiles"));
    let cases = cases();
    let faces_models = face_models();
    let (ssd, centernet) = object_models(ssd_tiles);
    if ssd_tiles {
        println!("SSD runs on the frame and on four tiles.\n");
    }
    println!(
        "| image | faces expected | {} | objects | SSD phone/book/laptop | CenterNet |",
        faces_models.names.join(" | ")
    );
    println!("|---|---|{}---|---|---|", "---|".repeat(FACE_MODELS));
    let mut found = Vec::new();
    let mut results = Vec::new();
    for case in &cases {
        let f = if objects_only { [0; FACE_MODELS] } else { faces(&faces_models, case) };
        let frame = webcam(&case.image);
        let s = ssd.detect_timed(rgba(&frame), Passes { objects: true, tiled_objects: ssd_tiles, ..Passes::default() });
        let s = s.expect("ssd").0;
        let c =
            centernet.detect_timed(rgba(&frame), Passes { objects: true, ..Passes::default() }).expect("centernet").0;
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            case.name,
            case.faces.map_or("–".into(), |n| n.to_string()),
            f.map(|n| n.to_string()).join(" | "),
            if case.objects.is_empty() { "–".into() } else { case.objects.join(", ") },
            objects::scores(&s),
            objects::scores(&c)
        );
        found.push(f);
        results.push((s, c));
    }
    if !objects_only {
        face_summary(&faces_models, &cases, &found);
        distant_series(&faces_models);
    }
    objects::report(&cases, &results);
}
