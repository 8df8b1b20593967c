//! The proctor's side: frames by id with ownership, panels, confirm/dismiss with a note, stop
//! with a reason the student reads, assignments, live streams.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use proctorwise::accounts::model::Role;
use tower::ServiceExt;

use super::{SceneAnalyzer, Taking, anomalies, count, outbox, start_workers};
use crate::dual;
use crate::helpers::{Client, TestApp};

dual!(
    frames_are_served_by_id_to_those_who_may_see_them,
    proctors_confirm_dismiss_and_stop_with_a_reason_the_student_reads,
    assignments_scope_what_a_proctor_sees,
    the_panel_stream_pushes_fragments_and_toasts,
    the_panel_lists_the_riskiest_sessions_up_to_its_row_cap,
);

async fn frame_id(app: &TestApp, session_id: &str) -> String {
    sqlx::query_scalar("SELECT id FROM monitoring_frames WHERE session_id = ? ORDER BY received_at LIMIT 1")
        .bind(session_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("frame")
}

async fn frames_are_served_by_id_to_those_who_may_see_them(app: TestApp) {
    let t = Taking::new(&app).await;
    t.frame(1, &[0.9, 0.9], &[], true).await.assert_status(StatusCode::ACCEPTED);
    let url = format!("/monitoring/frames/{}", frame_id(&app, &t.session_id).await);
    let (proctor, _) = app.login_as(Role::Proctor).await;
    let (admin, _) = app.login_as(Role::Admin).await;
    let (teacher, _) = app.login_as(Role::Teacher).await;
    let (other, _) = app.login_as(Role::Student).await;
    for (who, client) in [("proctor", &proctor), ("admin", &admin), ("owner", t.client())] {
        let res = client.get(&url).await;
        assert_eq!(res.status, StatusCode::OK, "{who}");
        assert_eq!(res.header("content-type"), "image/jpeg", "{who}");
    }
    other.get(&url).await.assert_status(StatusCode::NOT_FOUND);
    teacher.get(&url).await.assert_status(StatusCode::FORBIDDEN);
    assert!(app.client().get(&url).await.location().starts_with("/login"));
    proctor.get(&format!("/monitoring/frames/{}", uuid::Uuid::new_v4())).await.assert_status(StatusCode::NOT_FOUND);
    proctor.get("/monitoring/frames/..%2F..%2Fsecret.key").await.assert_status(StatusCode::NOT_FOUND);
}

async fn proctors_confirm_dismiss_and_stop_with_a_reason_the_student_reads(app: TestApp) {
    let _workers = start_workers(&app, SceneAnalyzer);
    let t = Taking::new(&app).await;
    t.frame(1, &[0.9, 0.9], &[], true).await.assert_status(StatusCode::ACCEPTED);
    t.settled(&app).await;
    t.event("tab_hidden").await.assert_status(StatusCode::ACCEPTED);
    let (proctor, _) = app.login_as(Role::Proctor).await;
    let panel = proctor.get("/proctor").await;
    panel.assert_status(StatusCode::OK).assert_contains("Physics &lt;b&gt;midterm&lt;/b&gt;");
    panel.assert_contains("sse-connect=\"/proctor/stream?after=").assert_contains(&t.s.student.name);
    let detail = proctor.get(&format!("/proctor/sessions/{}", t.session_id)).await;
    detail.assert_status(StatusCode::OK).assert_contains("Several faces").assert_contains("Tab change");
    detail.assert_contains("/monitoring/frames/").assert_contains("confirmed by the server");
    let ids: Vec<(String, String)> =
        sqlx::query_as("SELECT id, kind FROM monitoring_anomalies WHERE session_id = ? ORDER BY kind")
            .bind(&t.session_id)
            .fetch_all(app.state.db.pool())
            .await
            .expect("ids");
    let (faces, tab) = (&ids[0].0, &ids[1].0);
    let risk_before = count(&app, "SELECT risk_score FROM monitoring_sessions WHERE id = ?", &t.session_id).await;
    let res = proctor
        .htmx_post(
            &format!("/proctor/anomalies/{tab}/review"),
            &[("decision", "dismiss"), ("note", "Read the rules tab")],
        )
        .await;
    res.assert_status(StatusCode::OK).assert_contains("Dismissed").assert_contains("Read the rules tab");
    let res = proctor
        .post_form(
            &format!("/proctor/anomalies/{faces}/review"),
            &[("decision", "confirm"), ("note", "Sister in view")],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    proctor
        .post_form(&format!("/proctor/anomalies/{faces}/review"), &[("decision", "maybe")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let reviews: Vec<String> = anomalies(&app, &t.session_id).await.into_iter().map(|a| a.4).collect();
    assert!(reviews.contains(&"confirmed".to_owned()) && reviews.contains(&"dismissed".to_owned()), "{reviews:?}");
    let risk_after = count(&app, "SELECT risk_score FROM monitoring_sessions WHERE id = ?", &t.session_id).await;
    assert_eq!(risk_before - risk_after, 5, "a dismissed medium anomaly no longer counts");
    proctor
        .post_form(&format!("/proctor/sessions/{}/reviewed", t.session_id), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);

    let stop = format!("/proctor/sessions/{}/stop", t.session_id);
    proctor.post_form(&stop, &[("reason", "  ")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    proctor
        .post_form(&stop, &[("reason", "Phone on the desk after a warning")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    proctor.post_form(&stop, &[("reason", "again")]).await.assert_status(StatusCode::CONFLICT);
    let stopped = outbox(&app, "monitoring_stopped").await;
    assert_eq!(stopped.len(), 1);
    assert_eq!(stopped[0]["reason"], "proctor");
    assert_eq!(stopped[0]["note"], "Phone on the desk after a warning");
    let submitted = outbox(&app, "exam_submitted").await;
    assert_eq!(submitted[0]["reason"], "proctor", "the exam ends with the session");
    // The browser's next frame gets 409 and reloads: the student lands on the result with the reason.
    t.frame(2, &[0.9], &[], false).await.assert_status(StatusCode::CONFLICT);
    let page = t.client().get(&format!("/attempts/{}/q/1", t.attempt_id)).await;
    assert_eq!(page.location(), format!("/attempts/{}/result", t.attempt_id));
    let result = t.client().get(page.location()).await;
    result
        .assert_status(StatusCode::OK)
        .assert_contains("A proctor stopped your exam")
        .assert_contains("Phone on the desk after a warning");
    let detail = proctor.get(&format!("/proctor/sessions/{}", t.session_id)).await;
    detail.assert_contains("stopped by a proctor").assert_contains("Sister in view");
    assert!(!detail.body.contains("name=\"reason\""), "no stop form on an ended session");
    let history = proctor.get("/proctor/history?risk=&day=&exam=").await;
    history.assert_status(StatusCode::OK).assert_contains(&t.s.student.name);
    let high_only = proctor.get("/proctor/history?risk=high").await;
    assert!(!high_only.body.contains(&format!("session-{}", t.session_id)), "risk filter");
}

async fn assignments_scope_what_a_proctor_sees(app: TestApp) {
    let _workers = start_workers(&app, SceneAnalyzer);
    let t = Taking::new(&app).await;
    t.frame(1, &[0.9, 0.9], &[], true).await.assert_status(StatusCode::ACCEPTED);
    t.settled(&app).await;
    let (watcher, watcher_user) = app.login_as(Role::Proctor).await;
    let (outsider, _) = app.login_as(Role::Proctor).await;
    let (admin, _) = app.login_as(Role::Admin).await;
    let detail = format!("/proctor/sessions/{}", t.session_id);
    outsider.get(&detail).await.assert_status(StatusCode::OK);
    admin.get("/proctor/assignments").await.assert_status(StatusCode::OK).assert_contains("Every proctor");
    let form = [("exam_id", t.s.exam_id.as_str()), ("proctor_id", watcher_user.id.as_str()), ("action", "add")];
    admin.post_form("/proctor/assignments", &form).await.assert_status(StatusCode::SEE_OTHER);
    admin.post_form("/proctor/assignments", &form).await.assert_status(StatusCode::SEE_OTHER);
    watcher.get(&detail).await.assert_status(StatusCode::OK);
    outsider.get(&detail).await.assert_status(StatusCode::NOT_FOUND);
    assert!(!outsider.get("/proctor").await.body.contains(&t.session_id), "not in the outsider's panel");
    let frame = format!("/monitoring/frames/{}", frame_id(&app, &t.session_id).await);
    outsider.get(&frame).await.assert_status(StatusCode::NOT_FOUND);
    watcher.get(&frame).await.assert_status(StatusCode::OK);
    admin.get(&detail).await.assert_status(StatusCode::OK);
    let remove = [("exam_id", t.s.exam_id.as_str()), ("proctor_id", watcher_user.id.as_str()), ("action", "remove")];
    admin.post_form("/proctor/assignments", &remove).await.assert_status(StatusCode::SEE_OTHER);
    outsider.get(&detail).await.assert_status(StatusCode::OK);
    let bad = [("exam_id", t.s.exam_id.as_str()), ("proctor_id", t.s.student.id.as_str()), ("action", "add")];
    admin.post_form("/proctor/assignments", &bad).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

/// Opens an event stream and collects its text until `until` appears (or 8 s pass).
async fn read_stream(app: &TestApp, client: &Client, path: &str, until: &str) -> String {
    let req = Request::get(path)
        .header(header::COOKIE, client.session_cookie().expect("logged in"))
        .body(Body::empty())
        .expect("request");
    let response = app.router.clone().oneshot(req).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::CONTENT_TYPE].to_str().unwrap_or_default().starts_with("text/event-stream"));
    let mut body = response.into_body();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(8);
    while !text.contains(until) {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            _ => break,
        }
    }
    text
}

async fn the_panel_stream_pushes_fragments_and_toasts(app: TestApp) {
    let _workers = start_workers(&app, SceneAnalyzer);
    let t = Taking::new(&app).await;
    let (proctor, _) = app.login_as(Role::Proctor).await;
    let after = proctorwise::db::now_ms() - 1;
    let first = read_stream(&app, &proctor, "/proctor/stream", "event: sessions").await;
    assert!(first.contains("event: stats") && first.contains("event: sessions"), "{first}");
    assert!(first.contains(&t.s.student.name), "the active session is listed");
    // A critical anomaly reaches an open stream as a toast and an alert item.
    let app_ref = &app;
    let proctor_ref = &proctor;
    let reader = async move {
        read_stream(app_ref, proctor_ref, &format!("/proctor/stream?after={after}"), "event: toast").await
    };
    let writer = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        t.frame(1, &[0.9, 0.9], &[], true).await.assert_status(StatusCode::ACCEPTED);
    };
    let (pushed, ()) = tokio::join!(reader, writer);
    assert!(pushed.contains("event: alerts") && pushed.contains("Several faces"), "{pushed}");
    let alert = pushed.split("event: alerts").nth(1).and_then(|a| a.split("\n\n").next()).unwrap_or_default();
    assert!(
        alert.contains("<img class=\"thumb\" src=\"/monitoring/frames/"),
        "the alert carries its evidence thumbnail: {alert}"
    );
    assert!(pushed.contains("event: toast") && pushed.contains("CRITICAL:"), "{pushed}");
    let detail =
        read_stream(&app, &proctor, &format!("/proctor/sessions/{}/stream?after=0", t.session_id), "event: frame")
            .await;
    assert!(
        detail.contains("event: info") && detail.contains("event: timeline") && detail.contains("/monitoring/frames/"),
        "{detail}"
    );
    let (student_client, _) = (t.client(), ());
    let denied = student_client.get_head_only("/proctor/stream").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

async fn the_panel_lists_the_riskiest_sessions_up_to_its_row_cap(app: TestApp) {
    let app = TestApp::with_config(app.backend, |c| c.monitoring_mut().panel_rows = 2).await;
    let mut takings = Vec::new();
    for _ in 0..3 {
        takings.push(Taking::new(&app).await);
    }
    // The last one started is the riskiest: it comes first; one of the two others is hidden.
    let _workers = start_workers(&app, SceneAnalyzer);
    takings[2].frame(1, &[0.9, 0.9], &[], true).await.assert_status(StatusCode::ACCEPTED);
    takings[2].settled(&app).await;
    let (proctor, _) = app.login_as(Role::Proctor).await;
    let rows = |body: &str| body.matches(" id=\"session-").count();
    let at = |body: &str, t: &Taking| body.find(&format!(" id=\"session-{}\"", t.session_id));
    let panel = proctor.get("/proctor").await;
    panel.assert_status(StatusCode::OK).assert_contains("1 more not shown");
    assert_eq!(rows(&panel.body), 2, "two rows of three active sessions");
    let riskiest = at(&panel.body, &takings[2]).expect("the riskiest is listed");
    let others = [at(&panel.body, &takings[0]), at(&panel.body, &takings[1])];
    assert_eq!(others.iter().flatten().count(), 1, "one of the others is hidden");
    assert!(others.iter().flatten().all(|other| riskiest < *other), "riskiest first");
    assert!(panel.body.contains("<span class=\"stat-value\">3</span>"), "the stats bar counts all three");

    // The live stream applies the same cap; a session ending brings the hidden one back.
    let pushed = read_stream(&app, &proctor, "/proctor/stream", "event: sessions").await;
    let sessions = pushed.split("event: sessions").nth(1).unwrap_or_default();
    assert_eq!(rows(sessions), 2, "{sessions}");
    assert!(sessions.contains("1 more not shown"), "{sessions}");
    proctor
        .post_form(&format!("/proctor/sessions/{}/stop", takings[2].session_id), &[("reason", "Cap test")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let panel = proctor.get("/proctor").await;
    assert_eq!(rows(&panel.body), 2);
    assert!(at(&panel.body, &takings[0]).is_some() && at(&panel.body, &takings[1]).is_some(), "none hidden now");
    assert!(!panel.body.contains("more not shown"));
}
