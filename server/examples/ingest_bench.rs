//! Measures frame ingestion through the real router (session cookie, CSRF, multipart parsing,
//! JPEG checks, the session row, the rules, storage): frames/s and latency p50/p95/p99, with a
//! verdict only and with a ~40 KB JPEG, on SQLite (default) or MariaDB. The frames are clean
//! (one face) so that the figure is the ingestion path, not re-verification (`verify_bench`).
//! A third run sends one frame in 10 flagged (two faces, with the picture of two people) while
//! the server's real models verify them on their lower-priority threads: the verdict-only frames'
//! throughput and latency show whether verification starves ingestion.
//!
//! `cargo run -p proctorwise --release --example ingest_bench -- [mysql://root@127.0.0.1:3306] [students] [frames] [concurrency]`
//! (defaults: SQLite in a temporary directory, 200 students, 20000 frames, 32 in flight).

mod bench_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::http::StatusCode;
use bench_support::{
    BenchDb, Student, frame_body, jpeg_of_about, machine, percentiles, post_frame, repo_dir, verdict, webcam_jpeg,
};
use proctorwise::build_router;
use proctorwise::detection::ServerDetector;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (db, rest) = BenchDb::from_args(&args).await?;
    let students: usize = rest.first().map_or(Ok(200), |a| a.parse())?;
    let frames: usize = rest.get(1).map_or(Ok(20_000), |a| a.parse())?;
    let concurrency: usize = rest.get(2).map_or(Ok(32), |a| a.parse())?;
    let mut config = db.config();
    config.monitoring_mut().rate_per_10s = i64::MAX / 2;
    let state = proctorwise::assembly::state(config).await?;
    let router = build_router(state.clone());
    println!(
        "ingest_bench: database {:?}, {students} students, {frames} frames per run, {concurrency} in flight; {}",
        state.db.backend(),
        machine()
    );
    let students = Arc::new(bench_support::students(&state, &router, students).await?);

    let verdict_only = run(&router, &students, frames, concurrency, None, 0).await?;
    report("verdict only", verdict_only);
    let jpeg = Arc::new(jpeg_of_about(40 * 1024));
    let with_jpeg = run(&router, &students, frames / 4, concurrency, Some(jpeg.clone()), 0).await?;
    report(&format!("verdict + {} KB JPEG", jpeg.len() / 1024), with_jpeg);

    // One frame in 10 flagged, verified meanwhile by the real models.
    let mut config = state.config.as_ref().clone();
    *config.detection_mut() = bench_support::server_models()?;
    config.monitoring_mut().queue_size = frames;
    let detector = Arc::new(ServerDetector::load(config.detection()).context("models (run models/fetch.sh)")?);
    let mut verifying = proctorwise::assembly::state_with_db(config, state.db.clone());
    verifying.set_analyzer(detector);
    let workers = proctorwise::monitoring::verify::start_workers(&verifying);
    let router = build_router(verifying.clone());
    let two_people = Arc::new(
        webcam_jpeg(&repo_dir("models/eval/images").join("zidane.jpg")).context("run models/fetch.sh images")?,
    );
    let mixed = run(&router, &students, frames / 2, concurrency, Some(two_people), 10).await?;
    report(
        &format!(
            "verdict only, while 1 frame in 10 is flagged and verified ({} workers)",
            verifying.config.monitoring().workers
        ),
        mixed,
    );
    let verified: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM monitoring_frames WHERE verification = 'done'")
        .fetch_one(state.db.pool())
        .await?;
    println!("frames verified during that run: {verified}");
    workers.iter().for_each(tokio::task::JoinHandle::abort);
    println!("after the runs: {}", machine());
    db.drop(&state).await
}

fn report(what: &str, (elapsed, mut latencies): (Duration, Vec<Duration>)) {
    let n = latencies.len();
    let (p50, p95, p99, _) = percentiles(&mut latencies);
    println!(
        "{what}: {n} frames in {:.2} s = {:.0} frames/s; latency p50 {p50:.1} ms, p95 {p95:.1} ms, p99 {p99:.1} ms",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
    );
}

/// Sends `frames` frames, `concurrency` at a time: each with `jpeg` when `flag_every` is 0, else
/// every `flag_every`-th frame flagged (two faces) with `jpeg` and the others verdict only. The
/// latencies are those of the frames without a picture when `flag_every` is set.
async fn run(
    router: &Router,
    students: &Arc<Vec<Student>>,
    frames: usize,
    concurrency: usize,
    jpeg: Option<Arc<Vec<u8>>>,
    flag_every: usize,
) -> anyhow::Result<(Duration, Vec<Duration>)> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (router, students, next, jpeg) = (router.clone(), students.clone(), next.clone(), jpeg.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= frames {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let student = &students[i % students.len()];
                let flagged = flag_every > 0 && i % flag_every == 0;
                let picture = if flag_every == 0 || flagged { jpeg.as_deref().map(Vec::as_slice) } else { None };
                let body = frame_body(&verdict(i, if flagged { 2 } else { 1 }), picture);
                let t = Instant::now();
                let status = post_frame(&router, student, body).await?;
                anyhow::ensure!(status == StatusCode::ACCEPTED, "frame {i}: {status}");
                if flag_every == 0 || !flagged {
                    latencies.push(t.elapsed());
                }
            }
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    Ok((started.elapsed(), all))
}
