//! Measures server re-verification with the real models (`models/fetch.sh images` for the photos):
//! flagged frames (the browser's verdict says two faces) made from the evaluation photos
//! letterboxed to 640×480 go through the router into the re-verification queue, and the worker
//! pool runs the full models on them.
//! - latency: one frame at a time with one worker: frame received → verdict stored (p50/p95),
//!   and the analysis alone;
//! - throughput: a burst of frames already queued, then the pool started with 1 and with 2
//!   workers: frames verified per second.
//!
//! `cargo run -p proctorwise --release --example verify_bench -- [mysql://root@127.0.0.1:3306] [latency-frames] [burst-frames]`
//! (defaults: SQLite in a temporary directory, 34 frames one by one, 34 frames per burst).

mod bench_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::http::StatusCode;
use bench_support::{BenchDb, frame_body, machine, percentiles, post_frame, repo_dir, verdict, webcam_jpeg};
use proctorwise::detection::ServerDetector;
use proctorwise::{AppState, build_router};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (db, rest) = BenchDb::from_args(&args).await?;
    let one_by_one: usize = rest.first().map_or(Ok(34), |a| a.parse())?;
    let burst: usize = rest.get(1).map_or(Ok(34), |a| a.parse())?;
    let photos = photos()?;
    let mut config = db.config();
    config.monitoring_mut().rate_per_10s = i64::MAX / 2;
    config.monitoring_mut().queue_size = burst.max(1) + 16;
    *config.detection_mut() = bench_support::server_models()?;
    let detector = Arc::new(ServerDetector::load(config.detection()).context("models (run models/fetch.sh)")?);
    let base = proctorwise::assembly::state(config.clone()).await?;
    println!(
        "verify_bench: database {:?}, {} evaluation photos as 640x480 JPEGs ({} KB on average); {}",
        base.db.backend(),
        photos.len(),
        photos.iter().map(Vec::len).sum::<usize>() / photos.len().max(1) / 1024,
        machine()
    );
    let router = build_router(base.clone());
    let students = bench_support::students(&base, &router, 4).await?;

    // Latency: one worker, one frame at a time.
    let mut state = proctorwise::assembly::state_with_db(with_workers(&config, 1), base.db.clone());
    state.set_analyzer(detector.clone());
    let router = build_router(state.clone());
    let tasks = proctorwise::monitoring::verify::start_workers(&state);
    let (mut latency, mut analysis) = (Vec::new(), Vec::new());
    for i in 0..one_by_one {
        let before = done(&state).await?;
        let body = frame_body(&verdict(i + 1, 2), Some(&photos[i % photos.len()]));
        anyhow::ensure!(post_frame(&router, &students[0], body).await? == StatusCode::ACCEPTED, "frame {i} refused");
        wait_done(&state, before + 1, Duration::from_secs(60)).await?;
        let (received, verified, ms): (i64, i64, i64) = sqlx::query_as(
            "SELECT received_at, verified_at, verify_ms FROM monitoring_frames WHERE verification = 'done' \
             ORDER BY verified_at DESC LIMIT 1",
        )
        .fetch_one(state.db.pool())
        .await?;
        latency.push(Duration::from_millis(u64::try_from(verified - received)?));
        analysis.push(Duration::from_millis(u64::try_from(ms)?));
    }
    tasks.iter().for_each(tokio::task::JoinHandle::abort);
    let (p50, p95, _, max) = percentiles(&mut latency);
    let (a50, a95, _, _) = percentiles(&mut analysis);
    println!(
        "latency, 1 worker, {one_by_one} frames one at a time: received → verified p50 {p50:.0} ms, p95 {p95:.0} ms, max {max:.0} ms; analysis alone p50 {a50:.0} ms, p95 {a95:.0} ms"
    );

    // Throughput: `burst` frames queued, then the pool starts.
    for workers in [1, 2] {
        let mut state = proctorwise::assembly::state_with_db(with_workers(&config, workers), base.db.clone());
        state.set_analyzer(detector.clone());
        let router = build_router(state.clone());
        let before = done(&state).await?;
        for i in 0..burst {
            let student = &students[1 + i % (students.len() - 1)];
            let body = frame_body(&verdict(1_000 * workers + i, 2), Some(&photos[i % photos.len()]));
            anyhow::ensure!(post_frame(&router, student, body).await? == StatusCode::ACCEPTED, "frame {i} refused");
        }
        let started = Instant::now();
        let tasks = proctorwise::monitoring::verify::start_workers(&state);
        wait_done(&state, before + burst as i64, Duration::from_secs(600)).await?;
        let elapsed = started.elapsed();
        tasks.iter().for_each(tokio::task::JoinHandle::abort);
        println!(
            "throughput, {workers} worker(s): {burst} queued frames verified in {:.2} s = {:.2} frames/s ({:.0} ms per frame)",
            elapsed.as_secs_f64(),
            burst as f64 / elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1000.0 / burst as f64
        );
    }
    let count = |outcome: &'static str| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM monitoring_frames WHERE flag_outcome = ?")
            .bind(outcome)
            .fetch_one(base.db.pool())
    };
    let (confirmed, rejected) = (count("confirmed").await?, count("rejected").await?);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM monitoring_anomalies").fetch_one(base.db.pool()).await?;
    println!(
        "browser flags (\"two faces\") after verification: {confirmed} confirmed, {rejected} rejected by the server; {stored} anomalies stored; {}",
        machine()
    );
    db.drop(&base).await
}

fn with_workers(config: &proctorwise::Config, workers: usize) -> proctorwise::Config {
    let mut config = config.clone();
    config.monitoring_mut().workers = workers;
    config
}

/// The evaluation photos (manifest order) as webcam-sized JPEGs.
fn photos() -> anyhow::Result<Vec<Vec<u8>>> {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_dir("models/eval/manifest.json"))?)?;
    let dir = repo_dir("models/eval/images");
    let mut out = Vec::new();
    for photo in manifest["photos"].as_array().into_iter().flatten() {
        let name = photo["image"].as_str().unwrap_or_default();
        let path = dir.join(name);
        out.push(webcam_jpeg(&path).with_context(|| format!("{} (run models/fetch.sh images)", path.display()))?);
    }
    anyhow::ensure!(!out.is_empty(), "no evaluation photo in the manifest");
    Ok(out)
}

async fn done(state: &AppState) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM monitoring_frames WHERE verification IN ('done', 'failed')")
        .fetch_one(state.db.pool())
        .await?)
}

async fn wait_done(state: &AppState, target: i64, limit: Duration) -> anyhow::Result<()> {
    let started = Instant::now();
    while done(state).await? < target {
        anyhow::ensure!(started.elapsed() < limit, "frames not verified within {limit:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}
