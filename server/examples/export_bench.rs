//! Measures analytics on generated data, through the real router as a logged-in admin: the
//! dashboard's live block, the streamed submissions CSV export, the platform report (CSV, PDF)
//! and one exam's PDF (item analysis over its copies), and the streamed anomalies CSV over
//! generated monitoring sessions (one per submission) and anomalies (`BENCH_ANOMALIES`, default
//! 100000, spread over 29 days, every severity and type, one in 20 dismissed, one in 25
//! rejected by verification). Prints each time and the peak resident
//! memory during each request (`VmHWM`, reset before each through `/proc/self/clear_refs`), which
//! shows the submissions export streaming: its peak does not grow with the number of rows.
//!
//! `cargo run -p proctorwise --release --example export_bench -- [submissions] [database-server-url]`
//! (defaults: 50000, SQLite in a temporary directory; e.g. `mysql://root@127.0.0.1:3306` creates
//! and drops a database there).

use std::time::Instant;

use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use proctorwise::accounts::model::{Email, NewUser, Role};
use proctorwise::accounts::{password, queries as accounts};
use proctorwise::config::default_sqlite_url;
use proctorwise::db::{Db, new_id, now_ms};
use proctorwise::{AppState, build_router};
use tower::ServiceExt;

const EXAMS: usize = 20;
const STUDENTS: usize = 2000;
const DAY: i64 = 86_400_000;

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Resets the peak to the current resident size (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

async fn bulk(db: &Db, head: &str, rows: &[Vec<String>]) -> anyhow::Result<()> {
    for chunk in rows.chunks(400) {
        let values: Vec<String> = chunk.iter().map(|r| format!("({})", r.join(", "))).collect();
        sqlx::query(&format!("{head} VALUES {}", values.join(", "))).execute(db.pool()).await?;
    }
    Ok(())
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// One monitoring session per attempt `(id, exam, student, submitted_at)` and `n` anomalies
/// spread over them and over the last 29 days.
async fn generate_anomalies(db: &Db, attempts: &[Vec<String>], n: usize) -> anyhow::Result<()> {
    let now = now_ms();
    let sessions: Vec<Vec<String>> = attempts
        .iter()
        .map(|a| {
            let at: i64 = a[7].parse().unwrap_or(now);
            vec![
                q(&new_id()),
                a[0].clone(),
                a[2].clone(),
                a[3].clone(),
                q("stopped"),
                (at - 600_000).to_string(),
                at.to_string(),
                q("{}"),
                at.to_string(),
            ]
        })
        .collect();
    bulk(db, "INSERT INTO monitoring_sessions (id, attempt_id, exam_id, student_id, status, started_at, stopped_at, rule_state, updated_at)", &sessions).await?;
    if sessions.is_empty() {
        return Ok(());
    }
    let kinds = ["no_face", "multiple_faces", "looking_away", "phone", "book", "tab_switch"];
    let severities = ["low", "medium", "high", "critical"];
    let mut rows = Vec::with_capacity(n);
    for j in 0..n {
        let s = &sessions[j % sessions.len()];
        let at = now - (j as i64 * 29 * DAY / n.max(1) as i64);
        rows.push(vec![
            q(&new_id()),
            s[0].clone(),
            s[2].clone(),
            s[3].clone(),
            q(kinds[j % kinds.len()]),
            q(severities[j % severities.len()]),
            q("rule"),
            "800".into(),
            q("{}"),
            at.to_string(),
            at.to_string(),
            q(if j % 25 == 0 { "rejected" } else { "not_needed" }),
            q(if j % 20 == 0 { "dismissed" } else { "pending" }),
            at.to_string(),
        ]);
    }
    bulk(db, "INSERT INTO monitoring_anomalies (id, session_id, exam_id, student_id, kind, severity, method, confidence_permille, details, started_at, detected_at, verification, review, updated_at)", &rows).await
}

async fn generate(db: &Db, submissions: usize, anomalies: usize) -> anyhow::Result<String> {
    let now = now_ms();
    let hash = password::hash("bench password 1".into()).await?;
    let teacher = accounts::insert(
        db,
        &NewUser {
            email: Email::parse("bench-teacher@example.test").map_err(anyhow::Error::msg)?,
            name: "Prof Bench".into(),
            password: "x".into(),
            role: Role::Teacher,
            locale: None,
        },
        &hash,
    )
    .await?;
    let students: Vec<Vec<String>> = (0..STUDENTS)
        .map(|i| {
            vec![
                q(&new_id()),
                q(&format!("s{i}@example.test")),
                q(&format!("Élève {i}, \"B\"")),
                q(&hash),
                q("student"),
                "NULL".into(),
                "1".into(),
                now.to_string(),
                now.to_string(),
            ]
        })
        .collect();
    bulk(
        db,
        "INSERT INTO users (id, email, name, password_hash, role, locale, active, created_at, updated_at)",
        &students,
    )
    .await?;
    let mut exams = Vec::new();
    for e in 0..EXAMS {
        let id = new_id();
        sqlx::query("INSERT INTO exams (id, teacher_id, title, description, duration_minutes, status, created_at, updated_at) VALUES (?, ?, ?, '', 60, 'published', ?, ?)")
            .bind(&id).bind(&teacher.id).bind(format!("Examen n°{e} — Été")).bind(now).bind(now).execute(db.pool()).await?;
        let qs: Vec<Vec<String>> = (0..10)
            .map(|p| {
                vec![
                    q(&new_id()),
                    q(&id),
                    p.to_string(),
                    q(["mcq", "true_false", "short_answer", "essay"][p % 4]),
                    q(&format!("Question {p}")),
                    q("[]"),
                    q("null"),
                    "100".into(),
                    now.to_string(),
                    now.to_string(),
                ]
            })
            .collect();
        bulk(db, "INSERT INTO questions (id, exam_id, position, kind, prompt, options, answer_key, points_hundredths, created_at, updated_at)", &qs).await?;
        let slot = new_id();
        sqlx::query("INSERT INTO exam_slots (id, exam_id, starts_at, ends_at, capacity, created_at) VALUES (?, ?, ?, ?, 100000, ?)")
            .bind(&slot).bind(&id).bind(now - 30 * DAY).bind(now).bind(now).execute(db.pool()).await?;
        let qids: Vec<String> = qs.iter().map(|r| r[0].trim_matches('\'').to_owned()).collect();
        exams.push((id, slot, qids));
    }
    let student_ids: Vec<String> = students.iter().map(|r| r[0].trim_matches('\'').to_owned()).collect();
    let (mut bookings, mut attempts, mut answers) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..submissions {
        let (exam, slot, qids) = &exams[i % EXAMS];
        let (booking, attempt) = (new_id(), new_id());
        let at = now - (i as i64 * 29 * DAY / submissions.max(1) as i64);
        let score = ((i * 37) % 1001) as i64;
        bookings.push(vec![q(&booking), q(exam), q(slot), q(&student_ids[i % STUDENTS]), q("active"), at.to_string()]);
        attempts.push(vec![
            q(&attempt),
            q(&booking),
            q(exam),
            q(&student_ids[i % STUDENTS]),
            q("submitted"),
            (at - 600_000).to_string(),
            at.to_string(),
            at.to_string(),
            q("student"),
            q("[]"),
            q("{}"),
            q("graded"),
            score.to_string(),
            "1000".into(),
            i64::from(score >= 600).to_string(),
        ]);
        if i % EXAMS == 0 {
            for (n, qid) in qids.iter().enumerate() {
                answers.push(vec![
                    q(&attempt),
                    q(qid),
                    q("null"),
                    at.to_string(),
                    (((i + n) * 13 % 2) * 100).to_string(),
                    q(""),
                ]);
            }
        }
    }
    bulk(db, "INSERT INTO bookings (id, exam_id, slot_id, student_id, status, created_at)", &bookings).await?;
    bulk(db, "INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, submitted_at, submit_reason, question_order, option_orders, grading_status, score_hundredths, max_score_hundredths, passed)", &attempts).await?;
    bulk(db, "INSERT INTO answers (attempt_id, question_id, response, saved_at, score_hundredths, comment)", &answers)
        .await?;
    generate_anomalies(db, &attempts, anomalies).await?;
    Ok(exams[0].0.clone())
}

/// Logs in as a new admin through the login form; returns the session cookie.
async fn admin_cookie(state: &AppState, router: &axum::Router) -> anyhow::Result<String> {
    let hash = password::hash("bench password 1".into()).await?;
    let new = NewUser {
        email: Email::parse("bench-admin@example.test").map_err(anyhow::Error::msg)?,
        name: "Admin".into(),
        password: "x".into(),
        role: Role::Admin,
        locale: None,
    };
    accounts::insert(&state.db, &new, &hash).await?;
    let page = router.clone().oneshot(Request::get("/login").body(Body::empty())?).await?;
    let cookie = page
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .context("cookie")?
        .to_owned();
    let html = String::from_utf8(page.into_body().collect().await?.to_bytes().to_vec())?;
    let token =
        html.split("name=\"csrf-token\" content=\"").nth(1).and_then(|r| r.split('"').next()).context("csrf")?;
    let form = format!("email=bench-admin%40example.test&password=bench+password+1&csrf_token={token}");
    let req = Request::post("/login")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))?;
    let res = router.clone().oneshot(req).await?;
    let fresh = res.headers().get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).and_then(|c| c.split(';').next());
    Ok(fresh.map_or(cookie, str::to_owned))
}

/// GETs `path`, reading the body frame by frame; prints time, size and peak memory.
async fn measure(router: &axum::Router, cookie: &str, label: &str, path: &str) -> anyhow::Result<()> {
    reset_peak();
    let before = peak_kib();
    let started = Instant::now();
    let req = Request::get(path).header(header::COOKIE, cookie).header("hx-request", "true").body(Body::empty())?;
    let res = router.clone().oneshot(req).await?;
    anyhow::ensure!(res.status().is_success(), "{path}: {}", res.status());
    let mut body = res.into_body();
    let mut bytes = 0usize;
    while let Some(frame) = body.frame().await {
        bytes += frame?.data_ref().map_or(0, |d| d.len());
    }
    let elapsed = started.elapsed();
    println!(
        "{label:<34} {:>9.1} ms {:>10} bytes   peak RSS {:>7} KiB (+{} KiB over the start of the request)",
        elapsed.as_secs_f64() * 1000.0,
        bytes,
        peak_kib(),
        peak_kib().saturating_sub(before)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let submissions: usize = args.first().map_or(Ok(50_000), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let (url, mysql) = match args.get(1) {
        Some(server) => {
            let name = format!("pw_bench_{}", uuid::Uuid::new_v4().simple());
            let admin = Db::connect(&format!("{server}/mysql")).await?;
            sqlx::query(&format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
                .execute(admin.pool())
                .await?;
            (format!("{server}/{name}"), Some((admin, name)))
        }
        None => (default_sqlite_url(dir.path()), None),
    };
    let state = proctorwise::assembly::state(proctorwise::assembly::config_for(dir.path().to_path_buf(), url)).await?;
    let started = Instant::now();
    let anomalies: usize = std::env::var("BENCH_ANOMALIES").map_or(Ok(100_000), |a| a.parse())?;
    let exam_id = generate(&state.db, submissions, anomalies).await?;
    println!(
        "{:?}: generated {submissions} graded submissions ({EXAMS} exams, {STUDENTS} students), \
         {submissions} monitoring sessions and {anomalies} anomalies in {:.1} s",
        state.db.backend(),
        started.elapsed().as_secs_f64()
    );
    let router = build_router(state.clone());
    let cookie = admin_cookie(&state, &router).await?;
    measure(&router, &cookie, "dashboard (live block)", "/admin/parts/dashboard").await?;
    measure(&router, &cookie, "submissions CSV (streamed, 30 days)", "/analytics/exports/submissions.csv").await?;
    measure(&router, &cookie, "anomalies CSV (streamed, 30 days)", "/analytics/exports/anomalies.csv").await?;
    measure(&router, &cookie, "platform report CSV (30 days)", "/analytics/platform/report.csv").await?;
    measure(&router, &cookie, "platform report PDF (30 days)", "/analytics/platform/report.pdf").await?;
    measure(&router, &cookie, "exam report PDF (item analysis)", &format!("/analytics/exams/{exam_id}/report.pdf"))
        .await?;
    state.db.close().await;
    if let Some((admin, name)) = mysql {
        if std::env::var_os("BENCH_KEEP_DB").is_some() {
            println!("kept database {name}");
        } else {
            sqlx::query(&format!("DROP DATABASE {name}")).execute(admin.pool()).await?;
        }
    }
    Ok(())
}
