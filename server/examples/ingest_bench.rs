//! Measures frame ingestion through the real router (session cookie, CSRF, multipart parsing,
//! JPEG checks, the session row, the rules, storage): frames/s and latency p50/p95, with a
//! verdict only and with a ~40 KB JPEG, on SQLite (default) or MariaDB; then the time from a
//! stored critical anomaly to the toast on each of N connected proctor streams.
//!
//! `cargo run -p proctorwise --release --example ingest_bench -- [mysql://root@127.0.0.1:3306] [students] [frames] [concurrency] [streams]`
//! (defaults: SQLite in a temporary directory, 200 students, 20000 frames, 32 in flight, 100 streams).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use proctorwise::accounts::model::{Email, NewUser, Role};
use proctorwise::accounts::{password, queries as accounts};
use proctorwise::config::default_sqlite_url;
use proctorwise::db::{Db, new_id, now_ms};
use proctorwise::exams::model::{ExamSettings, ExamStatus, ReleaseMode};
use proctorwise::{AppState, Config, build_router};
use tower::ServiceExt;

struct Student {
    cookie: String,
    csrf: String,
    frames_url: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (server, rest) = match args.first() {
        Some(a) if a.starts_with("mysql:") => (Some(a.clone()), &args[1..]),
        _ => (None, &args[..]),
    };
    let students: usize = rest.first().map_or(Ok(200), |a| a.parse())?;
    let frames: usize = rest.get(1).map_or(Ok(20_000), |a| a.parse())?;
    let concurrency: usize = rest.get(2).map_or(Ok(32), |a| a.parse())?;
    let streams: usize = rest.get(3).map_or(Ok(100), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let url = match &server {
        None => default_sqlite_url(dir.path()),
        Some(server) => {
            let name = format!("pw_bench_{}", uuid::Uuid::new_v4().simple());
            let admin = Db::connect(&format!("{server}/mysql")).await?;
            sqlx::query(&format!("CREATE DATABASE {name} CHARACTER SET utf8mb4")).execute(admin.pool()).await?;
            format!("{server}/{name}")
        }
    };
    let mut config = Config::for_database(dir.path().to_path_buf(), url);
    config.monitoring.rate_per_10s = i64::MAX / 2;
    let state = AppState::new(config).await?;
    let router = build_router(state.clone());
    println!(
        "database {:?}, {students} students, {frames} frames per run, {concurrency} in flight",
        state.db.backend()
    );
    let students = Arc::new(setup(&state, &router, students).await?);

    let verdict_only = run(&router, &students, frames, concurrency, None).await?;
    report("verdict only", &verdict_only);
    let jpeg = Arc::new(jpeg_of_about(40 * 1024));
    let with_jpeg = run(&router, &students, frames / 4, concurrency, Some(jpeg.clone())).await?;
    report(&format!("verdict + {} KB JPEG", jpeg.len() / 1024), &with_jpeg);
    sse_latency(&state, &router, &students, streams).await?;
    if let Some(server) = server {
        let name = state.config.database_url.rsplit('/').next().unwrap_or_default().to_owned();
        state.db.close().await;
        let admin = Db::connect(&format!("{server}/mysql")).await?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(admin.pool()).await?;
    }
    Ok(())
}

/// (elapsed, latencies) of one run.
type Run = (Duration, Vec<Duration>);

fn report(what: &str, (elapsed, latencies): &Run) {
    let mut latencies = latencies.clone();
    latencies.sort();
    let pct = |p: f64| latencies.get(((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)).copied();
    let ms = |d: Option<Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    println!(
        "{what}: {} frames in {:.2} s = {:.0} frames/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(pct(0.50)),
        ms(pct(0.95)),
        ms(pct(0.99)),
    );
}

async fn run(
    router: &Router,
    students: &Arc<Vec<Student>>,
    frames: usize,
    concurrency: usize,
    jpeg: Option<Arc<Vec<u8>>>,
) -> anyhow::Result<Run> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (router, students, next, jpeg) = (router.clone(), students.clone(), next.clone(), jpeg.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= frames {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let student = &students[i % students.len()];
                let t = Instant::now();
                let status = post(&router, student, i, jpeg.as_deref()).await?;
                anyhow::ensure!(status == StatusCode::ACCEPTED, "frame {i}: {status}");
                latencies.push(t.elapsed());
            }
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    Ok((started.elapsed(), all))
}

async fn post(router: &Router, s: &Student, seq: usize, jpeg: Option<&Vec<u8>>) -> anyhow::Result<StatusCode> {
    let boundary = "bench-boundary";
    let verdict = format!(
        r#"{{"seq": {seq}, "captured_at": {}, "analyzed": true, "faces": [{{"score": 0.93, "box": [100, 80, 300, 320]}}], "objects": [], "timings": {{"faces_ms": 24, "objects_ms": 0}}, "width": 640, "height": 480}}"#,
        now_ms()
    );
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"verdict\"\r\nContent-Type: application/json\r\n\r\n{verdict}\r\n"
    )
    .into_bytes();
    if let Some(jpeg) = jpeg {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"frame\"; filename=\"f.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(jpeg);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = Request::post(&s.frames_url)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::COOKIE, &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .body(Body::from(body))?;
    let response = router.clone().oneshot(req).await?;
    let status = response.status();
    response.into_body().collect().await?;
    Ok(status)
}

/// Opens `n` proctor streams, stores one critical anomaly, and times its toast on every stream.
async fn sse_latency(state: &AppState, router: &Router, students: &[Student], n: usize) -> anyhow::Result<()> {
    let hash = password::hash("bench password".into()).await?;
    let proctor = NewUser {
        email: Email::parse("proctor@bench.test").map_err(|_| anyhow::anyhow!("email"))?,
        name: "Proctor".into(),
        password: "bench password".into(),
        role: Role::Proctor,
        locale: None,
    };
    accounts::insert(&state.db, &proctor, &hash).await?;
    let (cookie, _) = login(router, "proctor@bench.test").await?;
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(n.max(1));
    let (go_tx, _) = tokio::sync::broadcast::channel::<Instant>(1);
    let mut tasks = Vec::new();
    for _ in 0..n {
        let (router, cookie, ready, mut go) = (router.clone(), cookie.clone(), ready_tx.clone(), go_tx.subscribe());
        tasks.push(tokio::spawn(async move {
            let after = now_ms();
            let req = Request::get(format!("/proctor/stream?after={after}"))
                .header(header::COOKIE, cookie)
                .body(Body::empty())?;
            let mut body = router.oneshot(req).await?.into_body();
            let mut text = String::new();
            while !text.contains("event: sessions") {
                let frame = body.frame().await.ok_or_else(|| anyhow::anyhow!("stream ended"))??;
                text.push_str(&String::from_utf8_lossy(&frame.into_data().unwrap_or_default()));
            }
            ready.send(()).await?;
            let sent = go.recv().await?;
            text.clear();
            while !text.contains("event: toast") {
                let frame = tokio::time::timeout(Duration::from_secs(20), body.frame())
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("stream ended"))??;
                text.push_str(&String::from_utf8_lossy(&frame.into_data().unwrap_or_default()));
            }
            Ok::<_, anyhow::Error>(sent.elapsed())
        }));
    }
    for _ in 0..n {
        ready_rx.recv().await.ok_or_else(|| anyhow::anyhow!("a stream failed to open"))?;
    }
    let student = &students[0];
    let boundary = "bench-boundary";
    let verdict = format!(
        r#"{{"seq": 1, "captured_at": {}, "analyzed": true, "faces": [{{"score": 0.9}}, {{"score": 0.9}}], "objects": []}}"#,
        now_ms()
    );
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"verdict\"\r\nContent-Type: application/json\r\n\r\n{verdict}\r\n--{boundary}--\r\n"
    );
    let req = Request::post(&student.frames_url)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::COOKIE, &student.cookie)
        .header("x-csrf-token", &student.csrf)
        .body(Body::from(body))?;
    let sent = Instant::now();
    let _ = go_tx.send(sent);
    let status = router.clone().oneshot(req).await?.status();
    anyhow::ensure!(status == StatusCode::ACCEPTED, "critical frame: {status}");
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.push(task.await??);
    }
    latencies.sort();
    let at =
        |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "SSE: stored critical anomaly → toast on {n} proctor streams: p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        at(0.5),
        at(0.95),
        at(1.0)
    );
    Ok(())
}

/// A noisy 640×480 JPEG whose quality is chosen so that it weighs about `target` bytes.
fn jpeg_of_about(target: usize) -> Vec<u8> {
    let mut seed = 7u32;
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let noise = (seed >> 24) as u8 / 6;
        image::Rgb([(x / 3) as u8 ^ noise, (y / 2) as u8, ((x + y) / 5) as u8 ^ noise])
    });
    let mut best = Vec::new();
    for quality in (10..=95).step_by(5) {
        let mut out = Vec::new();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
        if img.write_with_encoder(encoder).is_err() {
            continue;
        }
        if best.is_empty() || out.len().abs_diff(target) < best.len().abs_diff(target) {
            best = out;
        }
    }
    best
}

/// Students with a started attempt and an active session, logged in through the login form.
async fn setup(state: &AppState, router: &Router, n: usize) -> anyhow::Result<Vec<Student>> {
    let db = &state.db;
    let hash = password::hash("bench password".into()).await?;
    let teacher = NewUser {
        email: Email::parse("teacher@bench.test").map_err(|_| anyhow::anyhow!("email"))?,
        name: "Teacher".into(),
        password: "bench password".into(),
        role: Role::Teacher,
        locale: None,
    };
    let teacher = accounts::insert(db, &teacher, &hash).await?;
    let settings = ExamSettings {
        title: "Bench".into(),
        description: String::new(),
        duration_minutes: 120,
        pass_mark_percent: 50,
        shuffle_questions: false,
        shuffle_options: false,
        release_mode: ReleaseMode::Immediate,
    };
    let exam_id = proctorwise::exams::queries::create_exam(db, &teacher.id, &settings).await?;
    proctorwise::exams::queries::set_status(db, &exam_id, ExamStatus::Published).await?;
    let slot_id = proctorwise::exams::queries::insert_slot(db, &exam_id, now_ms() - 60_000, 100_000).await?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let email = format!("s{i}@bench.test");
        let new = NewUser {
            email: Email::parse(&email).map_err(|_| anyhow::anyhow!("email"))?,
            name: format!("Student {i}"),
            password: "bench password".into(),
            role: Role::Student,
            locale: None,
        };
        let student = accounts::insert(db, &new, &hash).await?;
        let (booking, attempt) = (new_id(), new_id());
        sqlx::query("INSERT INTO bookings (id, exam_id, slot_id, student_id, status, active_key, created_at) VALUES (?, ?, ?, ?, 'active', ?, ?)")
            .bind(&booking).bind(&exam_id).bind(&slot_id).bind(&student.id).bind(format!("{exam_id}:{}", student.id)).bind(now_ms())
            .execute(db.pool()).await?;
        sqlx::query("INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, question_order, option_orders, max_score_hundredths) VALUES (?, ?, ?, ?, 'in_progress', ?, ?, '[]', '{}', 100)")
            .bind(&attempt).bind(&booking).bind(&exam_id).bind(&student.id).bind(now_ms()).bind(now_ms() + 7_200_000)
            .execute(db.pool()).await?;
        let mut tx = db.pool().begin().await?;
        let session = proctorwise::monitoring::start_in(&mut tx, &attempt, &exam_id, &student.id).await?;
        tx.commit().await?;
        let (cookie, csrf) = login(router, &email).await?;
        out.push(Student { cookie, csrf, frames_url: format!("/monitoring/sessions/{session}/frames") });
    }
    Ok(out)
}

async fn login(router: &Router, email: &str) -> anyhow::Result<(String, String)> {
    let page = router.clone().oneshot(Request::get("/login").body(Body::empty())?).await?;
    let cookie = cookie_of(&page).ok_or_else(|| anyhow::anyhow!("no session cookie"))?;
    let html = String::from_utf8(page.into_body().collect().await?.to_bytes().to_vec())?;
    let csrf = meta_csrf(&html).ok_or_else(|| anyhow::anyhow!("no csrf"))?;
    let form = serde_urlencoded::to_string([("email", email), ("password", "bench password"), ("csrf_token", &csrf)])?;
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &cookie)
        .body(Body::from(form))?;
    let res = router.clone().oneshot(req).await?;
    anyhow::ensure!(res.status() == StatusCode::SEE_OTHER, "login failed: {}", res.status());
    let cookie = cookie_of(&res).unwrap_or(cookie);
    let page = router
        .clone()
        .oneshot(Request::get("/notifications").header(header::COOKIE, &cookie).body(Body::empty())?)
        .await?;
    let html = String::from_utf8(page.into_body().collect().await?.to_bytes().to_vec())?;
    let csrf = meta_csrf(&html).ok_or_else(|| anyhow::anyhow!("no csrf after login"))?;
    Ok((cookie, csrf))
}

fn cookie_of(res: &axum::response::Response) -> Option<String> {
    res.headers().get(header::SET_COOKIE)?.to_str().ok()?.split(';').next().map(str::to_owned)
}

fn meta_csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf-token\" content=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}
