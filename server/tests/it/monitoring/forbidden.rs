//! A configured list of forbidden objects reaches the exam page (for the browser's first pass)
//! and drives the rules and the choice of frames the server re-verifies; the page also carries
//! the detector's give-up time and the (hidden) fallback notice.

use axum::http::StatusCode;

use super::{SceneAnalyzer, Taking, anomalies, fast_rules, start_workers};
use crate::dual;
use crate::helpers::TestApp;

dual!(the_forbidden_list_reaches_the_page_the_rules_and_re_verification);

async fn flags_of(app: &TestApp, session_id: &str) -> Vec<(i64, i64, String)> {
    sqlx::query_as("SELECT seq, flagged, verification FROM monitoring_frames WHERE session_id = ? ORDER BY seq")
        .bind(session_id)
        .fetch_all(app.state.db.pool())
        .await
        .expect("frames")
}

async fn the_forbidden_list_reaches_the_page_the_rules_and_re_verification(app: TestApp) {
    let default = Taking::new(&app).await;
    let page = default.client().get(&format!("/attempts/{}/q/1", default.attempt_id)).await;
    page.assert_contains("data-monitor-forbidden-objects=\"cell phone,book,laptop\"")
        .assert_contains("data-detector-timeout-ms=\"90000\"")
        .assert_contains("id=\"detector-fallback\"");

    let app = TestApp::with_config(app.backend, |c| {
        fast_rules(c);
        c.monitoring_mut().rules.forbidden_objects = vec!["remote".into(), "cell phone".into()];
        c.monitoring_mut().detector_timeout_ms = 5_000;
        c.monitoring_mut().sample_share = 0.0;
    })
    .await;
    let t = Taking::new(&app).await;
    let page = t.client().get(&format!("/attempts/{}/q/1", t.attempt_id)).await;
    page.assert_contains("data-monitor-forbidden-objects=\"remote,cell phone\"")
        .assert_contains("data-detector-timeout-ms=\"5000\"");
    let ok = StatusCode::ACCEPTED;
    t.frame(1, &[0.9], &[("book", 0.9), ("laptop", 0.95)], true).await.assert_status(ok);
    t.frame(2, &[0.9], &[("remote", 0.7)], true).await.assert_status(ok);
    let frames = flags_of(&app, &t.session_id).await;
    assert_eq!(
        frames,
        [(1, 0, String::from("not_needed")), (2, 1, String::from("pending"))],
        "only the frame with a forbidden object waits for the server (no analyzer yet)"
    );
    assert!(anomalies(&app, &t.session_id).await.is_empty(), "nothing before the server looked");
    let _workers = start_workers(&app, SceneAnalyzer);
    t.settled(&app).await;
    let got = anomalies(&app, &t.session_id).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].2.as_str()), ("forbidden_object", "server_verified"));
    let label: String = sqlx::query_scalar("SELECT details FROM monitoring_anomalies WHERE session_id = ?")
        .bind(&t.session_id)
        .fetch_one(app.state.db.pool())
        .await
        .map(|d: proctorwise::db::DbText| d.0)
        .expect("details");
    assert!(label.contains("\"remote\""), "{label}");
}
