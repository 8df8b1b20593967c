//! False accusations on honest sessions: students alone in front of their camera (one-face
//! photos from the evaluation set, each also darkened to low light and with sensor noise) take
//! an exam in real time. Each frame's browser verdict comes from the browser's own models run
//! natively (BlazeFace back 256 on every frame, CenterFace 416 and the object model taking turns, as
//! `static/monitor.js` does); a frame the browser flags carries its picture, and so does every
//! frame the server asks for. The server verifies with its full models. Printed: frames, browser
//! flags and how many the server rejected, sampled pictures analysed, and anomalies stored per
//! honest session-hour (the goal: none from frames the server rejects).
//!
//! `cargo run -p proctorwise --release --example honest_bench -- [mysql://root@127.0.0.1:3306] [seconds] [front]`
//! (defaults: SQLite in a temporary directory, 60 s; one session per photo variant; `front`: the
//! browser runs the older BlazeFace 128, which misses more faces, to see the server reject its flags).

mod bench_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bench_support::{BenchDb, frame_body, machine, post_frame_answer, repo_dir, webcam_jpeg};
use proctorwise::detection::ServerDetector;
use proctorwise::{AppState, build_router};
use serde_json::{Value, json};
use wasm_detector::{Detector, DetectorConfig, FaceModelKind, ObjectModelKind, Passes, Rgba};

/// Frames alternate like the browser's: objects on phase 0, the wide face model on phase 1.
const CYCLE: usize = 3;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (db, rest) = BenchDb::from_args(&args).await?;
    let seconds: u64 = rest.first().map_or(Ok(60), |a| a.parse())?;
    let front = rest.get(1).is_some_and(|a| a == "front");
    let variants = variants()?;
    let browser = browser_detector(front)?;
    // What the browser says of each variant, per phase of its cycle.
    let mut verdicts = Vec::new();
    for (_, jpeg) in &variants {
        let img = image::load_from_memory(jpeg)?.to_rgba8();
        let mut per_phase = Vec::new();
        for phase in 0..CYCLE {
            let rgba = Rgba::new(img.width(), img.height(), img.as_raw()).map_err(|e| anyhow::anyhow!(e))?;
            let passes = Passes { wide_faces: phase == 1, objects: phase == 0, tiled_objects: false };
            per_phase.push(browser.detect_timed(rgba, passes).map_err(|e| anyhow::anyhow!(e))?.0);
        }
        verdicts.push(per_phase);
    }
    let mut config = db.config();
    config.monitoring_mut().rate_per_10s = 1_000;
    *config.detection_mut() = bench_support::server_models()?;
    let detector = Arc::new(ServerDetector::load(config.detection()).context("models (run models/fetch.sh)")?);
    let mut state = proctorwise::assembly::state(config).await?;
    state.set_analyzer(detector);
    let router = build_router(state.clone());
    let workers = proctorwise::monitoring::verify::start_workers(&state);
    let students = bench_support::students(&state, &router, variants.len()).await?;
    println!(
        "honest_bench: database {:?}, browser faces {}, {} honest sessions for {seconds} s at one frame every {} ms; {}",
        state.db.backend(),
        if front { "BlazeFace 128" } else { "BlazeFace back 256" },
        variants.len(),
        state.config.monitoring().interval_ms,
        machine()
    );
    let interval = Duration::from_millis(u64::try_from(state.config.monitoring().interval_ms)?);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, student) in students.into_iter().enumerate() {
        let (router, jpeg, verdicts, cfg) =
            (router.clone(), variants[i].1.clone(), verdicts[i].clone(), state.config.clone());
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(interval);
            let (mut seq, mut asked, mut flags) = (0usize, false, 0usize);
            while started.elapsed() < Duration::from_secs(seconds) {
                tick.tick().await;
                seq += 1;
                let d = &verdicts[seq % CYCLE];
                let flagged = flagged(d, &cfg.monitoring().rules);
                flags += usize::from(flagged);
                let verdict = json!({
                    "seq": seq, "captured_at": proctorwise::db::now_ms(), "analyzed": true,
                    "faces": d.faces, "objects": d.objects, "width": d.width, "height": d.height,
                });
                let picture = (flagged || asked).then_some(jpeg.as_slice());
                let answer = post_frame_answer(&router, &student, frame_body(&verdict.to_string(), picture)).await?;
                asked = answer["picture_next"] == true;
            }
            Ok::<_, anyhow::Error>((seq, flags))
        }));
    }
    let (mut frames, mut flags) = (0, 0);
    for t in tasks {
        let (f, b) = t.await??;
        frames += f;
        flags += b;
    }
    let waiting = "SELECT COUNT(*) FROM monitoring_frames WHERE verification IN ('queued', 'pending')";
    while sqlx::query_scalar::<_, i64>(waiting).fetch_one(state.db.pool()).await? > 0 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    workers.iter().for_each(tokio::task::JoinHandle::abort);
    report(&state, variants.len(), seconds, frames, flags).await?;
    db.drop(&state).await
}

async fn report(state: &AppState, sessions: usize, seconds: u64, frames: usize, flags: usize) -> anyhow::Result<()> {
    let pool = state.db.pool();
    let frames_where = |w: &'static str| {
        sqlx::query_scalar::<_, i64>(Box::leak(
            format!("SELECT COUNT(*) FROM monitoring_frames WHERE {w}").into_boxed_str(),
        ))
        .fetch_one(pool)
    };
    let rejected = frames_where("flag_outcome = 'rejected'").await?;
    let confirmed = frames_where("flag_outcome = 'confirmed'").await?;
    let samples = frames_where("purpose = 'sample' AND verification = 'done'").await?;
    let pictures = frames_where("storage_key IS NOT NULL").await?;
    let kinds: Vec<(String, i64)> =
        sqlx::query_as("SELECT kind, COUNT(*) FROM monitoring_anomalies GROUP BY kind ORDER BY kind")
            .fetch_all(pool)
            .await?;
    let stored: i64 = kinds.iter().map(|(_, n)| n).sum();
    let hours = sessions as f64 * seconds as f64 / 3600.0;
    println!(
        "{frames} frames, {pictures} pictures sent; browser flags {flags} ({:.1} %): rejected by the server {rejected}, confirmed {confirmed} (rejected-flag rate {:.1} %); sampled clean pictures analysed {samples}",
        100.0 * flags as f64 / frames.max(1) as f64,
        100.0 * rejected as f64 / (rejected + confirmed).max(1) as f64,
    );
    println!(
        "anomalies stored: {stored} in {hours:.2} honest session-hours = {:.2} per session-hour; by kind: {kinds:?}; {}",
        stored as f64 / hours.max(1e-9),
        machine()
    );
    Ok(())
}

/// The browser's flag rule (`static/monitor.js`): not exactly one face, or a forbidden object.
fn flagged(d: &wasm_detector::Detections, r: &proctorwise::monitoring::rules::RuleConfig) -> bool {
    let faces = d.faces.iter().filter(|f| f.score >= r.face_threshold).count();
    faces != 1 || d.objects.iter().any(|o| o.score >= r.object_threshold && r.forbidden_objects.contains(&o.label))
}

/// The browser's models, run natively (`front`: the older BlazeFace 128).
fn browser_detector(front: bool) -> anyhow::Result<Detector> {
    let read =
        |f: &str| std::fs::read(repo_dir("models").join(f)).with_context(|| format!("{f} (run models/fetch.sh)"));
    let face = if front {
        (FaceModelKind::BlazeFace, read("blazeface.onnx")?)
    } else {
        (FaceModelKind::BlazeFaceBack, read("blazeface-back.onnx")?)
    };
    let detector = Detector::load(
        (face.0, &face.1),
        Some((ObjectModelKind::CenterNet, &read("centernet.onnx")?)),
        DetectorConfig::default(),
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    detector.with_wide_faces(FaceModelKind::CenterFace, &read("centerface.onnx")?, 416).map_err(|e| anyhow::anyhow!(e))
}

/// Every one-face photo of the evaluation set, as the webcam sends it, in daylight, in low light
/// and with sensor noise.
fn variants() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(repo_dir("models/eval/manifest.json"))?)?;
    let dir = repo_dir("models/eval/images");
    let mut out = Vec::new();
    for photo in manifest["photos"].as_array().into_iter().flatten().filter(|p| p["faces"] == 1) {
        let name = photo["image"].as_str().unwrap_or_default();
        let daylight = webcam_jpeg(&dir.join(name)).with_context(|| format!("{name} (run models/fetch.sh images)"))?;
        let img = image::load_from_memory(&daylight)?.to_rgb8();
        let mut seed = 17u32;
        let low = image::RgbImage::from_fn(img.width(), img.height(), |x, y| {
            let p = img.get_pixel(x, y).0;
            // About a quarter of the light, lifted shadows, as a cheap webcam's auto-exposure gives.
            image::Rgb(p.map(|c| (6.0 + f32::from(c) * 0.28) as u8))
        });
        let noisy = image::RgbImage::from_fn(img.width(), img.height(), |x, y| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let n = i16::from((seed >> 27) as u8) - 16;
            let p = img.get_pixel(x, y).0;
            image::Rgb(p.map(|c| (i16::from(c) + n).clamp(0, 255) as u8))
        });
        out.push((name.to_owned(), daylight));
        for (label, variant) in [("low light", low), ("noise", noisy)] {
            let mut jpeg = Vec::new();
            variant.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80))?;
            out.push((format!("{name} ({label})"), jpeg));
        }
    }
    anyhow::ensure!(!out.is_empty(), "no one-face photo in the manifest");
    Ok(out)
}
