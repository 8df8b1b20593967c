//! Ingestion, rules, events, re-verification, restarts, vanished browsers.

use std::time::Duration;

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::clock::Clock;
use proctorwise::events::schema;
use proctorwise::monitoring::worker;
use serde_json::json;

use super::{
    Scene, SceneAnalyzer, Taking, anomalies, count, eventually, fast_rules, outbox, post_frame, start_workers, verdict,
};
use crate::dual;
use crate::fixtures::jpeg;
use crate::helpers::TestApp;

dual!(
    ingestion_checks_every_input_and_stores_nothing_refused,
    a_simulated_session_produces_exactly_the_expected_anomalies,
    back_pressure_keeps_every_frame_and_verification_confirms_or_rejects,
    silent_and_vanished_browsers,
    the_deadline_stops_monitoring_with_the_attempt,
);

const FRAMES: &str = "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ?";

/// `jpeg` (baseline) with its header declaring a `side`×`side` image.
fn declaring(jpeg: &[u8], side: u16) -> Vec<u8> {
    let mut out = jpeg.to_vec();
    let sof = out.windows(2).position(|w| w == [0xFF, 0xC0]).expect("baseline JPEG");
    out[sof + 5..sof + 9].copy_from_slice(&[side.to_be_bytes(), side.to_be_bytes()].concat());
    out
}

async fn ingestion_checks_every_input_and_stores_nothing_refused(app: TestApp) {
    let t = Taking::new(&app).await;
    let started = outbox(&app, "monitoring_started").await;
    assert_eq!(started.len(), 1, "the session started with the attempt");
    assert_eq!(started[0]["session_id"], t.session_id.as_str());
    assert_eq!(started[0]["attempt_id"], t.attempt_id.as_str());

    let res = t.frame(1, &[0.9], &[], false).await;
    res.assert_status(StatusCode::ACCEPTED);
    let answer = res.json();
    assert_eq!((answer["accepted"].clone(), answer["stored_frame"].clone()), (json!(true), json!(false)));
    assert!(answer["picture_next"].is_boolean(), "the server says whether it wants the next picture: {answer}");
    assert_eq!(answer["notices"], json!([]));
    let res = t.frame(2, &[0.9, 0.8], &[], true).await;
    res.assert_status(StatusCode::ACCEPTED);
    assert_eq!(res.json()["stored_frame"], true);
    let key: String = sqlx::query_scalar("SELECT storage_key FROM monitoring_frames WHERE session_id = ?")
        .bind(&t.session_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("key");
    let today = time::OffsetDateTime::now_utc();
    let prefix =
        format!("{:04}/{:02}/{:02}/{}/frame_", today.year(), u8::from(today.month()), today.day(), t.session_id);
    assert!(key.starts_with(&prefix) && key.ends_with(".jpg"), "{key}");
    assert!(app.state.config.monitoring().frame_dir.join(&key).is_file(), "the JPEG is on disk");

    let url = t.frames_url();
    let v = || ("verdict", "application/json", verdict(3, &[0.9], &[], true));
    let mut big = jpeg(64, 48);
    big.resize(600 * 1024, 0);
    let res = t.client().post_multipart(&url, &[v(), ("frame", "image/jpeg", big)]).await;
    res.assert_status(StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json()["error"], "too_large", "errors are JSON like the API's: {}", res.body);
    assert!(res.json()["message"].as_str().is_some_and(|e| e.contains("512")), "{}", res.body);
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    t.client()
        .post_multipart(&url, &[v(), ("frame", "image/jpeg", png)])
        .await
        .assert_status(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The magic bytes are checked as the frame arrives: a large PNG is refused as not a JPEG
    // (415) before the size limit is reached, without being read to its end.
    let mut big_png = b"\x89PNG\r\n\x1a\n".to_vec();
    big_png.resize(600 * 1024, 7);
    let res = t.client().post_multipart(&url, &[v(), ("frame", "image/jpeg", big_png)]).await;
    res.assert_status(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        (res.json()["error"].as_str(), res.json()["message"].as_str()),
        (Some("unsupported"), Some("The frame must be a JPEG image."))
    );
    // A small JPEG whose header declares 30000×30000 is refused from its header (the size
    // message), before a decoder would allocate for it.
    let res = t.client().post_multipart(&url, &[v(), ("frame", "image/jpeg", declaring(&jpeg(64, 48), 30_000))]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["message"], "The image dimensions are not accepted.");
    let broken = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
    t.client()
        .post_multipart(&url, &[v(), ("frame", "image/jpeg", broken)])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let tiny = jpeg(8, 8);
    t.client()
        .post_multipart(&url, &[v(), ("frame", "image/jpeg", tiny)])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    t.client()
        .post_multipart(&url, &[("frame", "image/jpeg", jpeg(64, 48))])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    t.client()
        .post_multipart(&url, &[("verdict", "application/json", b"{\"seq\": 1}".to_vec())])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    t.client().post_form(&url, &[("verdict", "{}")]).await.assert_status(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(count(&app, FRAMES, &t.session_id).await, 1, "refused frames are not stored");
    let frames: i64 = count(&app, "SELECT frames FROM monitoring_sessions WHERE id = ?", &t.session_id).await;
    assert_eq!(frames, 2, "refused frames are not counted");
    t.event("tab_sideways").await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    // Another student cannot post to this session; nobody can post to a session that does not exist.
    let (other, _) = app.login_as(Role::Student).await;
    let res = post_frame(&other, &url, 1, &[0.9], &[], true).await;
    res.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(res.json()["error"], "forbidden", "{}", res.body);
    assert!(res.json()["message"].is_string());
    other
        .post_json_csrf(
            &format!("/monitoring/sessions/{}/events", t.session_id),
            json!({"kind": "tab_hidden", "at": 1}),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    post_frame(&other, &format!("/monitoring/sessions/{}/frames", uuid::Uuid::new_v4()), 1, &[0.9], &[], false)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let (proctor, _) = app.login_as(Role::Proctor).await;
    post_frame(&proctor, &url, 1, &[0.9], &[], false).await.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(count(&app, FRAMES, &t.session_id).await, 1);

    // Rate limit per session (20 per 10 s by default): frames and events count together.
    let mut statuses = Vec::new();
    for seq in 10..30 {
        statuses.push(t.frame(seq, &[0.9], &[], false).await.status);
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let limited = statuses.iter().position(|s| *s == StatusCode::TOO_MANY_REQUESTS).unwrap_or(0);
    assert!(statuses[..limited].iter().all(|s| *s == StatusCode::ACCEPTED));
    t.event("tab_hidden").await.assert_status(StatusCode::TOO_MANY_REQUESTS);

    // Submitted: the session is over (409), with the reason in the outbox.
    sqlx::query("UPDATE monitoring_sessions SET rate_count = 0 WHERE id = ?")
        .bind(&t.session_id)
        .execute(app.state.db.pool())
        .await
        .expect("reset window");
    let submit = t.client().post_form(&format!("/attempts/{}/submit", t.attempt_id), &[("confirm", "yes")]).await;
    submit.assert_status(StatusCode::SEE_OTHER);
    t.frame(99, &[0.9], &[], false).await.assert_status(StatusCode::CONFLICT);
    t.event("tab_hidden").await.assert_status(StatusCode::CONFLICT);
    let stopped = outbox(&app, "monitoring_stopped").await;
    assert_eq!(stopped.len(), 1);
    assert_eq!(stopped[0]["reason"], "submitted");
    for p in started.iter().chain(&stopped) {
        let t = if p.get("reason").is_some() { "monitoring_stopped" } else { "monitoring_started" };
        schema::validate(t, 1, p).expect("payload matches its schema");
    }
}

async fn a_simulated_session_produces_exactly_the_expected_anomalies(app: TestApp) {
    let app = TestApp::with_state(app.backend, |_| {}, |s| s.set_analyzer(std::sync::Arc::new(SceneAnalyzer))).await;
    let workers = start_workers(&app, SceneAnalyzer);
    let t = Taking::new(&app).await;
    let ok = StatusCode::ACCEPTED;
    // A timely clean frame sets the browser's clock; the pictures below were captured earlier
    // (their capture times, not their arrival, drive the episodes).
    t.frame(1, &[0.9], &[], false).await.assert_status(ok);
    let base = 28_000;
    t.shows(2, &[0.9, 0.8], &[], Scene::TwoFaces, base).await.assert_status(ok); // multiple faces (critical)
    t.shows(3, &[0.95, 0.7], &[], Scene::TwoFaces, base - 2_000).await.assert_status(ok); // same episode
    t.shows(4, &[], &[], Scene::Empty, base - 4_000).await.assert_status(ok); // absence starts
    t.shows(5, &[], &[], Scene::Empty, base - 10_000).await.assert_status(ok); // face absent (high)
    t.shows(6, &[0.9], &[("cell phone", 0.8), ("cup", 0.99)], Scene::Phone, base - 12_000).await.assert_status(ok);
    t.frame(7, &[0.9], &[("cell phone", 0.6)], false).await.assert_status(ok); // below the threshold: not flagged
    t.settled(&app).await;
    t.event("tab_hidden").await.assert_status(ok); // medium
    t.event("tab_hidden").await.assert_status(ok);
    t.event("tab_visible").await.assert_status(ok);
    t.event("webcam_disabled").await.assert_status(ok); // critical 2
    t.event("detector_unavailable").await.assert_status(ok);
    t.shows(8, &[0.9, 0.9, 0.9], &[], Scene::TwoFaces, base - 16_000).await.assert_status(ok); // critical 3 → alert
    t.settled(&app).await;
    eventually("the last picture's anomalies are stored", || {
        let app = &app;
        let session = t.session_id.clone();
        async move { anomalies(app, &session).await.len() == 7 }
    })
    .await;
    let got: Vec<(String, String, String)> =
        anomalies(&app, &t.session_id).await.into_iter().map(|(k, s, m, _, _)| (k, s, m)).collect();
    let want = [
        ("multiple_faces", "critical", "server_verified"),
        ("face_absent", "high", "server_verified"),
        ("forbidden_object", "high", "server_verified"),
        ("tab_change", "medium", "rule"),
        ("webcam_disabled", "critical", "rule"),
        ("high_risk_alert", "critical", "rule"),
        ("multiple_faces", "critical", "server_verified"),
    ];
    let mut want: Vec<(String, String, String)> =
        want.iter().map(|(a, b, c)| ((*a).into(), (*b).into(), (*c).into())).collect();
    let mut sorted = got.clone();
    sorted.sort();
    want.sort();
    assert_eq!(sorted, want, "got {got:?}");
    let detected = outbox(&app, "anomaly_detected").await;
    assert_eq!(detected.len(), 6);
    for p in &detected {
        schema::validate("anomaly_detected", 1, p).expect("schema");
        assert_eq!(p["session_id"], t.session_id.as_str());
    }
    let alert = outbox(&app, "high_risk_alert").await;
    assert_eq!(alert.len(), 1);
    schema::validate("high_risk_alert", 1, &alert[0]).expect("schema");
    assert_eq!(alert[0]["critical_count"], 3);
    let phone: String = sqlx::query_scalar("SELECT details FROM monitoring_anomalies WHERE kind = 'forbidden_object'")
        .fetch_one(app.state.db.pool())
        .await
        .map(|d: proctorwise::db::DbText| d.0)
        .expect("details");
    let phone: serde_json::Value = serde_json::from_str(&phone).expect("json");
    assert_eq!(phone["label"], "cell phone");
    assert_eq!(phone["score"], 0.71, "the server's score, not the browser's");
    assert_eq!(phone["server"]["models"]["objects"], "scene objects");
    assert_eq!(phone["server"]["thresholds"]["object"], 0.65);
    assert_eq!(phone["browser"]["objects"][0][0], "cell phone", "the browser's verdict beside the server's");
    let (started, detected_at, evidence): (i64, i64, Option<String>) =
        sqlx::query_as("SELECT started_at, detected_at, frame_id FROM monitoring_anomalies WHERE kind = 'face_absent'")
            .fetch_one(app.state.db.pool())
            .await
            .expect("absence");
    assert!(evidence.is_some(), "the frame that showed it is the evidence");
    // The episode began when the first empty picture was captured (24 s before it was stored).
    assert!(detected_at - started >= 20_000, "capture times: {}", detected_at - started);
    let ended: Option<i64> = sqlx::query_scalar(
        "SELECT ended_at FROM monitoring_anomalies WHERE kind = 'multiple_faces' ORDER BY detected_at LIMIT 1",
    )
    .fetch_one(app.state.db.pool())
    .await
    .expect("ended");
    assert!(ended.is_some(), "the first episode has a duration");
    let risk = count(&app, "SELECT risk_score FROM monitoring_sessions WHERE id = ?", &t.session_id).await;
    assert_eq!(risk, 100, "3 critical + 2 high + 1 medium, capped");
    let detector = count(&app, "SELECT client_detector FROM monitoring_sessions WHERE id = ?", &t.session_id).await;
    assert_eq!(detector, 0);
    for w in workers {
        w.abort();
    }
}

async fn back_pressure_keeps_every_frame_and_verification_confirms_or_rejects(app: TestApp) {
    let backend = app.backend;
    let app = TestApp::with_state(
        backend,
        |c| c.monitoring_mut().queue_size = 1,
        |s| s.set_analyzer(std::sync::Arc::new(SceneAnalyzer)),
    )
    .await;
    let t = Taking::new(&app).await;
    t.frame(1, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
    for seq in 2..8 {
        t.shows(seq, &[0.9, 0.8], &[], Scene::TwoFaces, 0).await.assert_status(StatusCode::ACCEPTED);
    }
    // A frame sent without a verdict (the browser cannot analyse): always checked by the server.
    let parts =
        [("verdict", "application/json", verdict(8, &[], &[], false)), ("frame", "image/jpeg", Scene::TwoFaces.jpeg())];
    t.client().post_multipart(&t.frames_url(), &parts).await.assert_status(StatusCode::ACCEPTED);
    assert_eq!(count(&app, FRAMES, &t.session_id).await, 7, "every flagged frame is stored");
    let pending = count(
        &app,
        "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ? AND verification = 'pending'",
        &t.session_id,
    )
    .await;
    assert!(pending >= 5, "the queue holds one frame: the others wait as pending ({pending})");
    let metrics = app.client().get("/metrics").await;
    metrics.assert_contains("proctorwise_verify_queue_depth 1");
    metrics.assert_contains(&format!("proctorwise_verify_pending_frames {pending}"));
    // Nothing is accused before the server looked.
    assert!(anomalies(&app, &t.session_id).await.is_empty(), "a browser flag alone stores no anomaly");
    assert!(outbox(&app, "anomaly_detected").await.is_empty());
    assert_eq!(count(&app, "SELECT risk_score FROM monitoring_sessions WHERE id = ?", &t.session_id).await, 0);

    let workers = start_workers(&app, SceneAnalyzer);
    t.settled(&app).await;
    // The worker counts a verification just after committing it: wait for the count too.
    eventually("the replica counted every verification", || {
        let client = app.client();
        async move { client.get("/metrics").await.body.contains("proctorwise_verify_frames_total 7") }
    })
    .await;
    let got = anomalies(&app, &t.session_id).await;
    assert_eq!(got.len(), 1, "one episode, one anomaly: {got:?}");
    assert_eq!((got[0].2.as_str(), got[0].3.as_str()), ("server_verified", "confirmed"));
    assert_eq!(outbox(&app, "anomaly_detected").await.len(), 1, "exactly one event");
    let confirmed = count(
        &app,
        "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ? AND flag_outcome = 'confirmed'",
        &t.session_id,
    )
    .await;
    assert_eq!(confirmed, 6, "every browser flag the server agreed with");
    app.client().get("/metrics").await.assert_contains("proctorwise_verify_latency_seconds_count 7");
    for w in workers {
        w.abort();
    }
}

async fn silent_and_vanished_browsers(app: TestApp) {
    let backend = app.backend;
    let app = TestApp::with_state(
        backend,
        |c| {
            fast_rules(c);
            c.monitoring_mut().rules.frame_interval_ms = 100;
            c.monitoring_mut().rules.lost_after_intervals = 3;
            c.monitoring_mut().abandon_after = Duration::from_millis(1500);
        },
        |s| s.clock = Clock::manual(),
    )
    .await;
    let t = Taking::new(&app).await;
    t.frame(1, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
    app.state.clock.advance(Duration::from_millis(400));
    let (ticked, closed, _) = worker::run_once(&app.state).await.expect("pass");
    assert_eq!((ticked, closed), (1, 0));
    worker::run_once(&app.state).await.expect("second pass");
    let got = anomalies(&app, &t.session_id).await;
    assert_eq!(got.len(), 1, "once per silence: {got:?}");
    assert_eq!((got[0].0.as_str(), got[0].1.as_str(), got[0].2.as_str()), ("connection_lost", "medium", "rule"));
    t.frame(2, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
    app.state.clock.advance(Duration::from_millis(1600));
    let (_, closed, _) = worker::run_once(&app.state).await.expect("pass");
    assert_eq!(closed, 1, "the browser vanished");
    let stopped = outbox(&app, "monitoring_stopped").await;
    assert_eq!(stopped[0]["reason"], "abandoned");
    t.frame(3, &[0.9], &[], false).await.assert_status(StatusCode::CONFLICT);
    // The student comes back: the page starts a new session.
    let back = Taking { s: t.s, attempt_id: t.attempt_id.clone(), session_id: String::new() };
    let page = back.client().get(&format!("/attempts/{}/q/1", back.attempt_id)).await;
    page.assert_status(StatusCode::OK);
    assert!(!page.body.contains(&t.session_id), "a new session, not the closed one");
    let sessions = count(&app, "SELECT COUNT(*) FROM monitoring_sessions WHERE attempt_id = ?", &back.attempt_id).await;
    assert_eq!(sessions, 2);
    let active = count(
        &app,
        "SELECT COUNT(*) FROM monitoring_sessions WHERE attempt_id = ? AND status = 'active'",
        &back.attempt_id,
    )
    .await;
    assert_eq!(active, 1);
    let ended: Option<i64> = sqlx::query_scalar(
        "SELECT ended_at FROM monitoring_anomalies WHERE session_id = ? AND kind = 'connection_lost'",
    )
    .bind(&t.session_id)
    .fetch_one(app.state.db.pool())
    .await
    .expect("ended");
    assert!(ended.is_some(), "the silence ended with the next frame");
}

async fn the_deadline_stops_monitoring_with_the_attempt(app: TestApp) {
    let t = Taking::new(&app).await;
    t.event("tab_hidden").await.assert_status(StatusCode::ACCEPTED);
    sqlx::query("UPDATE attempts SET deadline_at = ? WHERE id = ?")
        .bind(proctorwise::db::now_ms() - 1)
        .bind(&t.attempt_id)
        .execute(app.state.db.pool())
        .await
        .expect("deadline");
    assert_eq!(proctorwise::attempts::worker::submit_overdue(&app.state).await.expect("worker"), 1);
    let stopped = outbox(&app, "monitoring_stopped").await;
    assert_eq!(stopped.len(), 1);
    assert_eq!(stopped[0]["reason"], "deadline");
    assert_eq!(stopped[0]["note"], "");
    t.frame(2, &[0.9], &[], false).await.assert_status(StatusCode::CONFLICT);
    let ended: Option<i64> = sqlx::query_scalar("SELECT ended_at FROM monitoring_anomalies WHERE session_id = ?")
        .bind(&t.session_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("anomaly");
    assert!(ended.is_some(), "open episodes end with the session");
    let result = t.client().get(&format!("/attempts/{}/result", t.attempt_id)).await;
    assert!(!result.body.contains("A proctor stopped your exam"), "no proctor notice for a deadline");
}
