//! Trustworthy verdicts: only the server's own analysis of a picture accuses; the server picks
//! which clean frames must carry their picture and flags sessions that withhold them; broken
//! pictures are refused; the verification queue neither duplicates nor forgets frames.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;

use super::{Scene, SceneAnalyzer, Taking, anomalies, count, outbox, start_workers, verdict};
use crate::dual;
use crate::helpers::TestApp;

dual!(
    a_flag_the_server_rejects_leaves_no_trace,
    a_client_that_withholds_requested_pictures_is_flagged,
    a_sampled_clean_picture_showing_two_faces_is_confirmed,
    a_truncated_jpeg_is_refused_and_nothing_is_stored,
    queued_frames_are_neither_queued_twice_nor_lost_on_restart,
    the_exam_s_detection_settings_drive_its_sessions,
    rule_state_survives_a_restart,
);

const RISK: &str = "SELECT risk_score FROM monitoring_sessions WHERE id = ?";

async fn with_scenes(app: TestApp, adjust: impl FnOnce(&mut proctorwise::Config)) -> TestApp {
    TestApp::with_state(app.backend, adjust, |s| s.set_analyzer(Arc::new(SceneAnalyzer))).await
}

async fn a_flag_the_server_rejects_leaves_no_trace(app: TestApp) {
    let app = with_scenes(app, |_| {}).await;
    let workers = start_workers(&app, SceneAnalyzer);
    let t = Taking::new(&app).await;
    // A forged verdict (two faces, a book) on a picture of one student alone.
    t.shows(1, &[0.9, 0.9], &[("book", 0.9)], Scene::OneFace, 0).await.assert_status(StatusCode::ACCEPTED);
    t.shows(2, &[], &[], Scene::OneFace, 0).await.assert_status(StatusCode::ACCEPTED);
    t.settled(&app).await;
    assert!(anomalies(&app, &t.session_id).await.is_empty(), "no anomaly row");
    assert!(outbox(&app, "anomaly_detected").await.is_empty(), "no event");
    assert!(outbox(&app, "high_risk_alert").await.is_empty());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM notifications WHERE user_id <> ?", "").await, 0, "no notification");
    assert_eq!(count(&app, RISK, &t.session_id).await, 0);
    let rejected = count(
        &app,
        "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ? AND flag_outcome = 'rejected'",
        &t.session_id,
    )
    .await;
    assert_eq!(rejected, 2, "kept on the frames for statistics");
    // The server checks what is claimed: objects on the frame that claimed a book, faces alone
    // on the frame that only claimed no face.
    let checks: Vec<i64> =
        sqlx::query_scalar("SELECT checked_objects FROM monitoring_frames WHERE session_id = ? ORDER BY seq")
            .bind(&t.session_id)
            .fetch_all(app.state.db.pool())
            .await
            .expect("checks");
    assert_eq!(checks, [1, 0]);
    let answer = t.frame(3, &[0.9], &[], false).await;
    let body: Value = serde_json::from_str(&answer.body).expect("json");
    assert_eq!(body["notices"], serde_json::json!([]), "the student is told nothing");
    for w in workers {
        w.abort();
    }
}

async fn a_client_that_withholds_requested_pictures_is_flagged(app: TestApp) {
    let app = with_scenes(app, |c| {
        c.monitoring_mut().baseline_every = 2;
        c.monitoring_mut().rate_per_10s = 1_000;
    })
    .await;
    let t = Taking::new(&app).await;
    let mut requested = 0;
    let mut told = Vec::new();
    for seq in 1..=60 {
        let answer = t.frame(seq, &[0.99], &[], false).await;
        answer.assert_status(StatusCode::ACCEPTED);
        let body: Value = serde_json::from_str(&answer.body).expect("json");
        requested += i64::from(body["picture_next"] == true);
        told.extend(body["notices"].as_array().cloned().unwrap_or_default());
    }
    assert!(requested >= 10, "the server asked for pictures ({requested} times)");
    let got = anomalies(&app, &t.session_id).await;
    let incomplete: Vec<_> = got.iter().filter(|a| a.0 == "monitoring_incomplete").collect();
    assert_eq!(incomplete.len(), 1, "{got:?}");
    assert_eq!((incomplete[0].1.as_str(), incomplete[0].2.as_str()), ("high", "rule"));
    assert_eq!(outbox(&app, "anomaly_detected").await.len(), 1, "proctors are told");
    assert_eq!(told.len(), 1, "the student is told once: {told:?}");
    assert_eq!(told[0]["kind"], "monitoring_incomplete");
    assert!(count(&app, RISK, &t.session_id).await > 0);
}

async fn a_sampled_clean_picture_showing_two_faces_is_confirmed(app: TestApp) {
    let app = with_scenes(app, |c| c.monitoring_mut().sample_share = 1.0).await;
    let workers = start_workers(&app, SceneAnalyzer);
    let t = Taking::new(&app).await;
    // The browser says "one face" and sends the picture it was asked for: it shows two.
    t.shows(1, &[0.95], &[], Scene::TwoFaces, 0).await.assert_status(StatusCode::ACCEPTED);
    t.settled(&app).await;
    let got = anomalies(&app, &t.session_id).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].2.as_str(), got[0].3.as_str()),
        ("multiple_faces", "server_verified", "confirmed")
    );
    assert_eq!(count(&app, "SELECT inconsistent_frames FROM monitoring_sessions WHERE id = ?", &t.session_id).await, 1);
    let answer = t.frame(2, &[0.95], &[], false).await;
    let body: Value = serde_json::from_str(&answer.body).expect("json");
    assert_eq!(body["notices"][0]["kind"], "multiple_faces");
    let message = body["notices"][0]["message"].as_str().unwrap_or_default().to_owned();
    assert!(!message.contains('0') && !message.is_empty(), "plain words, no threshold: {message}");
    for w in workers {
        w.abort();
    }
}

async fn a_truncated_jpeg_is_refused_and_nothing_is_stored(app: TestApp) {
    let t = Taking::new(&app).await;
    let whole = Scene::OneFace.jpeg();
    for cut in [whole.len() - 2, whole.len() / 2] {
        let parts = [
            ("verdict", "application/json", verdict(1, &[0.9, 0.9], &[], true)),
            ("frame", "image/jpeg", whole[..cut].to_vec()),
        ];
        let res = t.client().post_multipart(&t.frames_url(), &parts).await;
        res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("\"error\""), "a message the page can show: {}", res.body);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ?", &t.session_id).await, 0);
    assert_eq!(count(&app, "SELECT frames FROM monitoring_sessions WHERE id = ?", &t.session_id).await, 0);
}

async fn queued_frames_are_neither_queued_twice_nor_lost_on_restart(app: TestApp) {
    let app = with_scenes(app, |_| {}).await;
    let t = Taking::new(&app).await;
    for seq in 1..=3 {
        t.shows(seq, &[0.9, 0.9], &[], Scene::TwoFaces, 0).await.assert_status(StatusCode::ACCEPTED);
    }
    let queued = "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ? AND verification = 'queued'";
    assert_eq!(count(&app, queued, &t.session_id).await, 3, "in this replica's queue");
    // Their claims run out while they wait (a long backlog): the sweeper leaves them alone.
    sqlx::query("UPDATE monitoring_frames SET claimed_until = 1 WHERE session_id = ?")
        .bind(&t.session_id)
        .execute(app.state.db.pool())
        .await
        .expect("expire");
    assert_eq!(proctorwise::monitoring::verify::sweep(&app.state).await.expect("sweep"), 0, "not queued again");
    assert_eq!(app.state.verifier().depth(), 3);
    // This replica restarts: what it had queued is pending again at once.
    let restarted = app.restarted_state();
    let replica = restarted.verifier().replica().to_owned();
    let released = proctorwise::monitoring::storage::frame_queries::release_replica(&restarted.db, &replica)
        .await
        .expect("release");
    assert_eq!(released, 3);
    let pending = "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ? AND verification = 'pending'";
    assert_eq!(count(&app, pending, &t.session_id).await, 3);
    // The new process verifies them, each once.
    let mut state = restarted;
    state.set_analyzer(Arc::new(SceneAnalyzer));
    let workers = proctorwise::monitoring::verify::start_workers(&state);
    t.settled(&app).await;
    let got = anomalies(&app, &t.session_id).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(outbox(&app, "anomaly_detected").await.len(), 1);
    for w in workers {
        w.abort();
    }
}

async fn the_exam_s_detection_settings_drive_its_sessions(app: TestApp) {
    let app = with_scenes(app, |c| c.monitoring_mut().sample_share = 0.0).await;
    let workers = start_workers(&app, SceneAnalyzer);
    let s = crate::exam_scenario::Scenario::new(&app, proctorwise::exams::model::ReleaseMode::Immediate).await;
    // Faces not checked in this exam; a book is the only forbidden object, and weighs 40.
    let settings = proctorwise::exams::detection::ExamDetection {
        faces: false,
        objects: true,
        forbidden_objects: Some(vec!["book".into()]),
        risk_weights: [None, None, Some(40), None],
    };
    proctorwise::exams::detection::save_detection(&app.state.db, &s.exam_id, &settings).await.expect("settings");
    let t = Taking::from_scenario(s).await;
    let page = t.client().get(&format!("/attempts/{}/q/1", t.attempt_id)).await;
    page.assert_contains("data-monitor-forbidden-objects=\"book\"");
    // Two faces and a phone: neither is checked in this exam, so the frame is not even flagged.
    let two_and_phone = super::picture(&[0.9, 0.9], &[("cell phone", 0.9)]);
    let parts = [
        ("verdict", "application/json", verdict(1, &[0.9, 0.9], &[("cell phone", 0.9)], true)),
        ("frame", "image/jpeg", two_and_phone),
    ];
    t.client().post_multipart(&t.frames_url(), &parts).await.assert_status(StatusCode::ACCEPTED);
    // A book is.
    t.frame(2, &[0.9], &[("book", 0.9)], true).await.assert_status(StatusCode::ACCEPTED);
    t.settled(&app).await;
    let got = anomalies(&app, &t.session_id).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].1.as_str()), ("forbidden_object", "high"));
    assert_eq!(count(&app, RISK, &t.session_id).await, 40, "the exam's weight for a high anomaly");
    let flagged = "SELECT flagged FROM monitoring_frames WHERE session_id = ? ORDER BY seq";
    let flags: Vec<i64> =
        sqlx::query_scalar(flagged).bind(&t.session_id).fetch_all(app.state.db.pool()).await.expect("frames");
    assert_eq!(flags, [0, 1]);
    for w in workers {
        w.abort();
    }
}

async fn rule_state_survives_a_restart(app: TestApp) {
    let app = TestApp::with_state(app.backend, |_| {}, |s| s.set_analyzer(std::sync::Arc::new(SceneAnalyzer))).await;
    let workers = start_workers(&app, SceneAnalyzer);
    let t = Taking::new(&app).await;
    t.frame(1, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
    t.shows(2, &[], &[], Scene::Empty, 6_000).await.assert_status(StatusCode::ACCEPTED);
    t.settled(&app).await;
    for w in workers {
        w.abort();
    }
    // A new server process on the same database: no memory of the absence but the database's.
    let mut restarted_state = app.restarted_state();
    restarted_state.set_analyzer(std::sync::Arc::new(SceneAnalyzer));
    let workers = proctorwise::monitoring::verify::start_workers(&restarted_state);
    let restarted = t.client().on(proctorwise::build_router(restarted_state));
    let parts =
        [("verdict", "application/json", verdict(3, &[], &[], true)), ("frame", "image/jpeg", Scene::Empty.jpeg())];
    restarted.post_multipart(&t.frames_url(), &parts).await.assert_status(StatusCode::ACCEPTED);
    t.settled(&app).await;
    let got = anomalies(&app, &t.session_id).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].3.as_str()), ("face_absent", "confirmed"));
    for w in workers {
        w.abort();
    }
}
