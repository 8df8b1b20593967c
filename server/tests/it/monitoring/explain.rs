//! Every flag explains itself on the proctor's session page and in the API, and "being checked"
//! shows while a flagged frame waits for the server. Anomalies are inserted as the server writes
//! them (contract details), so these tests hold whatever path produced them; the report and
//! grading sides are in `explain_reports`.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::db::now_ms;
use proctorwise::exams::model::ReleaseMode;
use serde_json::json;

use crate::dual;
use crate::exam_scenario::Scenario;
use crate::helpers::TestApp;

dual!(the_session_page_and_the_api_explain_each_anomaly, a_flagged_frame_waiting_for_the_server_shows_being_checked);

const T0: i64 = 1_765_100_000_000;

/// Contract #2 details of a server-confirmed `multiple_faces` (the browser flagged it too).
fn two_faces_details() -> String {
    json!({"face_count": 2,
        "server": {"faces": [0.93, 0.88], "objects": [],
                   "models": {"faces": "centerface-640", "objects": "ssd-mobilenet-v2"},
                   "thresholds": {"face": 0.5, "object": 0.3}},
        "browser": {"faces": [0.91, 0.62], "objects": []}})
    .to_string()
}

/// A started attempt with its monitoring session.
pub struct Monitored {
    pub s: Scenario,
    pub attempt_id: String,
    pub session_id: String,
}

impl Monitored {
    pub async fn new(app: &TestApp) -> Monitored {
        let s = Scenario::new(app, ReleaseMode::Manual).await;
        let attempt_id = s.start().await;
        let session_id: String = sqlx::query_scalar("SELECT id FROM monitoring_sessions WHERE attempt_id = ?")
            .bind(&attempt_id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("the attempt's session");
        Monitored { s, attempt_id, session_id }
    }

    /// A frame row: (client verdict, server detections, flagged, verification).
    pub async fn frame(
        &self,
        app: &TestApp,
        client: Option<&str>,
        server: Option<&str>,
        flagged: bool,
        verification: &str,
    ) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ?")
            .bind(&self.session_id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("count");
        sqlx::query(
            "INSERT INTO monitoring_frames (id, session_id, n, seq, captured_at, received_at, storage_key, bytes, width, \
             height, client_result, flagged, verification, server_result) VALUES (?, ?, ?, ?, ?, ?, NULL, 0, 640, 480, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&self.session_id)
        .bind(n + 1)
        .bind(n + 1)
        .bind(T0)
        .bind(now_ms())
        .bind(client)
        .bind(i64::from(flagged))
        .bind(verification)
        .bind(server)
        .execute(app.state.db.pool())
        .await
        .expect("frame");
        id
    }

    /// An anomaly row: (kind, severity, details, frame, duration ms, verification, review).
    #[expect(clippy::too_many_arguments, reason = "one row's columns, named at each call")]
    pub async fn anomaly(
        &self,
        app: &TestApp,
        kind: &str,
        severity: &str,
        details: &str,
        frame_id: Option<&str>,
        lasted_ms: Option<i64>,
        verification: &str,
        review: &str,
    ) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let method = if verification == "confirmed" { "server_verified" } else { "rule" };
        sqlx::query(
            "INSERT INTO monitoring_anomalies (id, session_id, exam_id, student_id, kind, severity, method, \
             confidence_permille, details, frame_id, started_at, detected_at, ended_at, verification, review, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, 900, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&self.session_id)
        .bind(&self.s.exam_id)
        .bind(&self.s.student.id)
        .bind(kind)
        .bind(severity)
        .bind(method)
        .bind(details)
        .bind(frame_id)
        .bind(T0)
        .bind(T0)
        .bind(lasted_ms.map(|ms| T0 + ms))
        .bind(verification)
        .bind(review)
        .bind(now_ms())
        .execute(app.state.db.pool())
        .await
        .expect("anomaly");
        id
    }

    /// The confirmed two-faces anomaly with its evidence frame: (anomaly, frame).
    pub async fn two_faces(&self, app: &TestApp) -> (String, String) {
        let client = r#"{"seq": 7, "analyzed": true, "faces": [{"score": 0.91}, {"score": 0.62}], "objects": []}"#;
        let server = r#"{"faces": [{"score": 0.93, "box": [0,0,1,1]}, {"score": 0.88, "box": [0,0,1,1]}], "objects": [], "width": 640, "height": 480, "ms": 80}"#;
        let frame = self.frame(app, Some(client), Some(server), true, "done").await;
        let details = two_faces_details();
        let id = self
            .anomaly(app, "multiple_faces", "critical", &details, Some(&frame), Some(6_000), "confirmed", "pending")
            .await;
        (id, frame)
    }
}

async fn the_session_page_and_the_api_explain_each_anomaly(app: TestApp) {
    let m = Monitored::new(&app).await;
    let (anomaly, frame) = m.two_faces(&app).await;
    // An older row: no server/browser in its details; the frame's browser verdict is all there is.
    let old_frame = m
        .frame(&app, Some(r#"{"seq": 9, "analyzed": true, "faces": [{"score": 0.97}], "objects": [{"label": "book", "score": 0.82}]}"#), None, true, "failed")
        .await;
    m.anomaly(
        &app,
        "forbidden_object",
        "high",
        r#"{"label": "book"}"#,
        Some(&old_frame),
        None,
        "unavailable",
        "pending",
    )
    .await;
    m.anomaly(&app, "tab_change", "medium", "{}", None, Some(12_000), "not_needed", "pending").await;

    let (proctor, proctor_user) = app.login_as(Role::Proctor).await;
    let page = proctor.get(&format!("/proctor/sessions/{}", m.session_id)).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("2 faces seen for 6 s")
        .assert_contains(
            "<td class=\"browser-verdict\">2 faces (0.91, 0.62)<br><small class=\"muted\">flagged it</small></td>",
        )
        .assert_contains("<td class=\"server-verdict\">2 faces (0.93, 0.88)</td>")
        .assert_contains("face model centerface-640 · object model ssd-mobilenet-v2")
        .assert_contains("face 0.50 · object 0.30")
        .assert_contains(&format!("<code class=\"frame-id\">{frame}</code>"))
        .assert_contains(&format!("src=\"/monitoring/frames/{frame}\""))
        .assert_contains("a book, score 0.90")
        .assert_contains("<td class=\"server-verdict\">not analysed</td>")
        .assert_contains("1 face (0.97) · a book 0.82")
        .assert_contains("exam tab hidden for 12 s");
    let fr = proctor.get_with(&format!("/proctor/sessions/{}", m.session_id), &[("accept-language", "fr")]).await;
    fr.assert_contains("2 visages vus pendant 6 s").assert_contains("2 visages (0,93 ; 0,88)");
    fr.assert_contains("onglet de l'examen masqué pendant 12 s");

    let token = app.token_for(&proctor_user).await;
    let url = format!("/api/v1/monitoring/sessions/{}/anomalies", m.session_id);
    let res = app.client().api_get(&url, Some(&token)).await;
    res.assert_status(StatusCode::OK);
    let body = res.json();
    assert_eq!(body["being_checked"], false);
    let list = body["anomalies"].as_array().expect("anomalies");
    assert_eq!(list.len(), 3);
    let faces = list.iter().find(|a| a["id"] == anomaly.as_str()).expect("the two-faces anomaly");
    let e = &faces["explanation"];
    assert_eq!(e["reason"]["en"], "2 faces seen for 6 s");
    assert_eq!(e["reason"]["fr"], "2 visages vus pendant 6 s");
    assert_eq!(e["server"]["faces"], json!([0.93, 0.88]));
    assert_eq!(e["browser"]["faces"], json!([0.91, 0.62]));
    assert_eq!(e["browser_flagged"], true);
    assert_eq!(e["models"]["faces"], "centerface-640");
    assert_eq!(e["thresholds"]["face"], 0.5);
    assert_eq!(e["evidence_frame_id"], frame.as_str());
    assert_eq!(e["evidence_url"], format!("/monitoring/frames/{frame}"));
    assert_eq!(e["duration_ms"], 6000);
    let book = list.iter().find(|a| a["kind"] == "forbidden_object").expect("book");
    assert_eq!(book["explanation"]["server"], serde_json::Value::Null, "not analysed");
    assert_eq!(book["explanation"]["open"], true);

    let spec = proctorwise::assembly::openapi();
    let schema = &spec["paths"]["/api/v1/monitoring/sessions/{session_id}/anomalies"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"]["properties"]["anomalies"]["items"]["properties"]["explanation"];
    assert!(schema["properties"]["reason"].is_object() && schema["properties"]["server"].is_object(), "{schema}");

    let (_, student) = app.login_as(Role::Student).await;
    let student_token = app.token_for(&student).await;
    app.client().api_get(&url, Some(&student_token)).await.assert_status(StatusCode::FORBIDDEN);
    let missing = format!("/api/v1/monitoring/sessions/{}/anomalies", uuid::Uuid::new_v4());
    app.client().api_get(&missing, Some(&token)).await.assert_status(StatusCode::NOT_FOUND);
    app.client().api_get(&url, None).await.assert_status(StatusCode::UNAUTHORIZED);
}

async fn a_flagged_frame_waiting_for_the_server_shows_being_checked(app: TestApp) {
    let m = Monitored::new(&app).await;
    let (proctor, proctor_user) = app.login_as(Role::Proctor).await;
    let badge = "class=\"badge checking\"";
    let row = |body: &str| {
        let start = body.find(&format!("id=\"session-{}\"", m.session_id)).expect("the session's row");
        body[start..].split("</tr>").next().unwrap_or_default().to_owned()
    };
    // A sampled clean frame waiting for the server is not a flag.
    let sample =
        m.frame(&app, Some(r#"{"seq": 1, "analyzed": true, "faces": [{"score": 0.9}]}"#), None, false, "pending").await;
    assert!(!row(&proctor.get("/proctor").await.body).contains(badge));
    let flagged = m
        .frame(
            &app,
            Some(r#"{"seq": 2, "analyzed": true, "faces": [{"score": 0.9}, {"score": 0.8}]}"#),
            None,
            true,
            "queued",
        )
        .await;
    let panel = proctor.get("/proctor").await;
    assert!(row(&panel.body).contains(badge), "{}", row(&panel.body));
    panel.assert_contains("being checked");
    assert!(!row(&panel.body).contains("role=\"alert\""), "not an alert");
    assert!(!panel.body.contains("toast-error"), "not a toast");
    let detail = proctor.get(&format!("/proctor/sessions/{}", m.session_id)).await;
    detail.assert_contains(badge).assert_contains("No anomaly.");
    let token = app.token_for(&proctor_user).await;
    let api =
        app.client().api_get(&format!("/api/v1/monitoring/sessions/{}/anomalies", m.session_id), Some(&token)).await;
    assert_eq!(api.json()["being_checked"], true);

    // Checked (rejected or confirmed): the badge goes.
    for id in [&sample, &flagged] {
        sqlx::query("UPDATE monitoring_frames SET verification = 'done' WHERE id = ?")
            .bind(id)
            .execute(app.state.db.pool())
            .await
            .expect("verified");
    }
    assert!(!row(&proctor.get("/proctor").await.body).contains(badge));
    assert!(!proctor.get(&format!("/proctor/sessions/{}", m.session_id)).await.body.contains(badge));
}
