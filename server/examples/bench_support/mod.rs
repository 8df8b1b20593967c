//! Shared by the monitoring benchmarks (`ingest_bench`, `verify_bench`, `sse_bench`): a throwaway
//! database (SQLite in a temporary directory, or a fresh MariaDB schema dropped at the end),
//! students with a started attempt and an active monitoring session logged in through the login
//! form, multipart frame bodies, test JPEGs, percentiles and the machine's load.
#![allow(dead_code, reason = "each benchmark uses a part of this module")]

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use proctorwise::accounts::model::{Email, NewUser, Role, User};
use proctorwise::accounts::{password, queries as accounts};
use proctorwise::config::default_sqlite_url;
use proctorwise::db::{Db, new_id, now_ms};
use proctorwise::exams::model::{ExamSettings, ExamStatus, ReleaseMode};
use proctorwise::{AppState, Config};
use tower::ServiceExt;

/// Password of every bench account.
pub const PASSWORD: &str = "bench password";
/// Boundary of the multipart bodies built here.
pub const BOUNDARY: &str = "bench-boundary";

/// The database of one run: SQLite under `dir`, or a MariaDB schema created on `server`.
pub struct BenchDb {
    /// Temporary directory (SQLite file, frames).
    pub dir: tempfile::TempDir,
    /// `mysql://…` server URL, when MariaDB.
    server: Option<String>,
    /// Database URL for the configuration.
    pub url: String,
}

impl BenchDb {
    /// Splits a leading `mysql://…` argument off `args`; creates the database.
    pub async fn from_args(args: &[String]) -> anyhow::Result<(Self, Vec<String>)> {
        let (server, rest) = match args.first() {
            Some(a) if a.starts_with("mysql:") => (Some(a.trim_end_matches('/').to_owned()), &args[1..]),
            _ => (None, args),
        };
        let dir = tempfile::tempdir()?;
        let url = match &server {
            None => default_sqlite_url(dir.path()),
            Some(server) => {
                let name = format!("pw_bench_{}", uuid::Uuid::new_v4().simple());
                let admin = Db::connect(&format!("{server}/mysql")).await?;
                sqlx::query(&format!("CREATE DATABASE {name} CHARACTER SET utf8mb4")).execute(admin.pool()).await?;
                admin.close().await;
                format!("{server}/{name}")
            }
        };
        Ok((Self { dir, server, url }, rest.to_vec()))
    }

    /// A configuration on this database (frames under the temporary directory).
    pub fn config(&self) -> Config {
        proctorwise::assembly::config_for(self.dir.path().to_path_buf(), self.url.clone())
    }

    /// Drops the MariaDB schema (SQLite goes with the temporary directory).
    pub async fn drop(self, state: &AppState) -> anyhow::Result<()> {
        state.db.close().await;
        if let Some(server) = &self.server {
            let name = self.url.rsplit('/').next().unwrap_or_default();
            let admin = Db::connect(&format!("{server}/mysql")).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(admin.pool()).await?;
            admin.close().await;
        }
        Ok(())
    }
}

/// `cores, load averages` of this machine, printed with every figure.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!("{cores} cores, load average {}", load.join(" "))
}

/// The models and evaluation photos of the repository.
pub fn repo_dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(sub)
}

/// The server's default models from the repository's `models/`, with the face passes
/// configurable as in production (`PROCTORWISE_FACE_INPUT`, `PROCTORWISE_FACE_CONFIRM_INPUT`).
pub fn server_models() -> anyhow::Result<proctorwise::detection::DetectionConfig> {
    let mut c = proctorwise::detection::DetectionConfig::in_dir(&repo_dir("models"));
    for (name, side) in
        [("PROCTORWISE_FACE_INPUT", &mut c.face_side), ("PROCTORWISE_FACE_CONFIRM_INPUT", &mut c.face_confirm_side)]
    {
        if let Ok(v) = std::env::var(name) {
            *side = v.parse().map_err(|e| anyhow::anyhow!("{name}={v}: {e}"))?;
        }
    }
    Ok(c)
}

/// A student logged in, with an active monitoring session.
pub struct Student {
    /// Display name (`Student 0007`).
    pub name: String,
    /// `pw_session=…`.
    pub cookie: String,
    /// CSRF token of the session.
    pub csrf: String,
    /// `/monitoring/sessions/{id}/frames`.
    pub frames_url: String,
}

/// Creates a user with the bench password.
pub async fn user(state: &AppState, email: &str, name: &str, role: Role) -> anyhow::Result<User> {
    let hash = password::hash(PASSWORD.into()).await?;
    let new = NewUser {
        email: Email::parse(email).map_err(|_| anyhow::anyhow!("bad email {email}"))?,
        name: name.into(),
        password: PASSWORD.into(),
        role,
        locale: None,
    };
    Ok(accounts::insert(&state.db, &new, &hash).await?)
}

/// `n` students with a started attempt and an active session of one published exam.
pub async fn students(state: &AppState, router: &Router, n: usize) -> anyhow::Result<Vec<Student>> {
    let db = &state.db;
    let teacher = user(state, "teacher@bench.test", "Teacher", Role::Teacher).await?;
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
        let (email, name) = (format!("s{i}@bench.test"), format!("Student {i:04}"));
        let student = user(state, &email, &name, Role::Student).await?;
        let (booking, attempt) = (new_id(), new_id());
        sqlx::query("INSERT INTO bookings (id, exam_id, slot_id, student_id, status, active_key, created_at) VALUES (?, ?, ?, ?, 'active', ?, ?)")
            .bind(&booking).bind(&exam_id).bind(&slot_id).bind(&student.id).bind(format!("{exam_id}:{}", student.id)).bind(now_ms())
            .execute(db.pool()).await?;
        sqlx::query("INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, question_order, option_orders, max_score_hundredths) VALUES (?, ?, ?, ?, 'in_progress', ?, ?, '[]', '{}', 100)")
            .bind(&attempt).bind(&booking).bind(&exam_id).bind(&student.id).bind(now_ms()).bind(now_ms() + 7_200_000)
            .execute(db.pool()).await?;
        let mut tx = db.pool().begin().await?;
        let session = proctorwise::monitoring::start_in(
            &mut tx,
            &proctorwise::monitoring::Watched {
                attempt_id: &attempt,
                exam_id: &exam_id,
                student_id: &student.id,
                deadline_at: now_ms() + 7_200_000,
            },
        )
        .await?;
        tx.commit().await?;
        let (cookie, csrf) = login(router, &email).await?;
        out.push(Student { name, cookie, csrf, frames_url: format!("/monitoring/sessions/{session}/frames") });
    }
    Ok(out)
}

/// Logs in through the form; returns the session cookie and its CSRF token.
pub async fn login(router: &Router, email: &str) -> anyhow::Result<(String, String)> {
    let page = router.clone().oneshot(Request::get("/login").body(Body::empty())?).await?;
    let cookie = cookie_of(&page).ok_or_else(|| anyhow::anyhow!("no session cookie"))?;
    let html = String::from_utf8(page.into_body().collect().await?.to_bytes().to_vec())?;
    let csrf = meta_csrf(&html).ok_or_else(|| anyhow::anyhow!("no csrf"))?;
    let form = serde_urlencoded::to_string([("email", email), ("password", PASSWORD), ("csrf_token", &csrf)])?;
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

/// The browser's verdict for frame `seq` with `faces` faces of score 0.93.
pub fn verdict(seq: usize, faces: usize) -> String {
    let faces: Vec<String> = (0..faces)
        .map(|i| format!(r#"{{"score": 0.93, "box": [{}, 80, {}, 320]}}"#, 40 + i * 300, 240 + i * 300))
        .collect();
    format!(
        r#"{{"seq": {seq}, "captured_at": {}, "analyzed": true, "faces": [{}], "objects": [], "timings": {{"faces_ms": 24, "objects_ms": 0}}, "width": 640, "height": 480}}"#,
        now_ms(),
        faces.join(", ")
    )
}

/// A multipart frame body: the verdict and, optionally, the JPEG.
pub fn frame_body(verdict: &str, jpeg: Option<&[u8]>) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"verdict\"\r\nContent-Type: application/json\r\n\r\n{verdict}\r\n"
    )
    .into_bytes();
    if let Some(jpeg) = jpeg {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"frame\"; filename=\"f.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(jpeg);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts a frame body through the router (in process); returns the status and the body.
async fn send_frame(router: &Router, s: &Student, body: Vec<u8>) -> anyhow::Result<(StatusCode, bytes::Bytes)> {
    let req = Request::post(&s.frames_url)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::COOKIE, &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .body(Body::from(body))?;
    let response = router.clone().oneshot(req).await?;
    let status = response.status();
    Ok((status, response.into_body().collect().await?.to_bytes()))
}

/// Posts a frame body through the router (in process); returns the status.
pub async fn post_frame(router: &Router, s: &Student, body: Vec<u8>) -> anyhow::Result<StatusCode> {
    Ok(send_frame(router, s, body).await?.0)
}

/// Posts a frame body through the router; returns the JSON answer (an error unless 202).
pub async fn post_frame_answer(router: &Router, s: &Student, body: Vec<u8>) -> anyhow::Result<serde_json::Value> {
    let (status, bytes) = send_frame(router, s, body).await?;
    anyhow::ensure!(status == StatusCode::ACCEPTED, "frame refused: {status} {}", String::from_utf8_lossy(&bytes));
    Ok(serde_json::from_slice(&bytes)?)
}

/// A noisy 640×480 JPEG whose quality is chosen so that it weighs about `target` bytes.
pub fn jpeg_of_about(target: usize) -> Vec<u8> {
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

/// A photo letterboxed to 640×480 (what the browser's canvas sends) as a JPEG of quality 80.
pub fn webcam_jpeg(photo: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let img = image::open(photo)?.to_rgb8();
    let scale = f64::min(640.0 / f64::from(img.width()), 480.0 / f64::from(img.height()));
    let (w, h) = ((f64::from(img.width()) * scale) as u32, (f64::from(img.height()) * scale) as u32);
    let resized = image::imageops::resize(&img, w.max(1), h.max(1), image::imageops::FilterType::Triangle);
    let mut canvas = image::RgbImage::new(640, 480);
    image::imageops::overlay(&mut canvas, &resized, i64::from((640 - w) / 2), i64::from((480 - h) / 2));
    let mut out = Vec::new();
    canvas.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80))?;
    Ok(out)
}

/// p50, p95, p99 and max of `samples`, in ms (sorted in place).
pub fn percentiles(samples: &mut [Duration]) -> (f64, f64, f64, f64) {
    samples.sort();
    let at = |p: f64| {
        samples
            .get(((samples.len() as f64 * p) as usize).min(samples.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    (at(0.50), at(0.95), at(0.99), at(1.0))
}
