//! Per-exam detection settings: the "Monitoring" part of the exam form and the API's
//! `detection` object, validation, defaults from the environment, ownership.

use axum::http::{Method, StatusCode};
use proctorwise::accounts::model::Role;
use proctorwise::exams::detection::{ExamDetection, detection_settings};
use proctorwise::exams::queries;
use serde_json::json;

use crate::dual;
use crate::exams_support::{count, create_exam};
use crate::fixtures::World;
use crate::helpers::{Client, TestApp};

dual!(
    the_form_creates_and_edits_detection_settings,
    invalid_detection_settings_are_refused_and_nothing_is_stored,
    exams_without_overrides_follow_the_environment,
    the_api_reads_creates_and_replaces_detection_settings,
    only_the_owner_and_admins_change_detection_settings,
);

/// The exam form's fields with a monitoring section (labels repeat).
fn exam_fields<'a>(title: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields =
        vec![("title", title), ("duration_minutes", "60"), ("release_mode", "immediate"), ("detection", "1")];
    fields.extend_from_slice(extra);
    fields
}

async fn stored(app: &TestApp, exam_id: &str) -> ExamDetection {
    detection_settings(&app.state.db, exam_id).await.expect("query")
}

async fn the_form_creates_and_edits_detection_settings(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let page = client.get("/exams/new").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("<legend>Monitoring</legend>")
        .assert_contains(r#"id="detect_faces" type="checkbox" name="detect_faces" value="on" checked"#)
        .assert_contains(r#"name="forbidden_objects" value="book" checked"#)
        .assert_contains(r#"<label for="risk_weight_high">High severity (default: 15)</label>"#)
        .assert_contains(r#"placeholder="15""#);
    assert!(!page.body.contains(r#"value="person" checked"#), "only the default labels are ticked");
    let fields = exam_fields(
        "Watched",
        &[
            ("detect_objects", "on"),
            ("forbidden_objects", "remote"),
            ("forbidden_objects", "cell phone"),
            ("risk_weight_low", ""),
            ("risk_weight_high", "40"),
            ("risk_weight_critical", "0"),
        ],
    );
    let res = client.post_form("/exams", &fields).await;
    res.assert_status(StatusCode::SEE_OTHER);
    let exam_id = res.location().trim_start_matches("/exams/").to_owned();
    let own = ExamDetection {
        faces: false,
        objects: true,
        forbidden_objects: Some(vec!["remote".into(), "cell phone".into()]),
        risk_weights: [None, None, Some(40), Some(0)],
    };
    assert_eq!(stored(&app, &exam_id).await, own);
    client
        .get(&format!("/exams/{exam_id}"))
        .await
        .assert_contains(r#"<dd id="detect-faces">No</dd>"#)
        .assert_contains("remote, cell phone")
        .assert_contains("high 40 · critical 0");
    let edit = client.get(&format!("/exams/{exam_id}/edit")).await;
    edit.assert_contains(r#"name="forbidden_objects" value="remote" checked"#)
        .assert_contains(r#"name="risk_weight_high" type="number" inputmode="numeric" min="0" max="100" value="40""#);
    assert!(
        !edit.body.contains(r#"value="book" checked"#)
            && !edit.body.contains(r#"name="detect_faces" value="on" checked"#)
    );
    // A post without the section (an older page, a script) changes the settings, not the detection.
    let res = client
        .post_form(
            &format!("/exams/{exam_id}"),
            &[("title", "Renamed"), ("duration_minutes", "45"), ("release_mode", "manual")],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(stored(&app, &exam_id).await, own);
    // Ticking exactly the default list goes back to following the default.
    let fields = exam_fields(
        "Renamed",
        &[
            ("detect_faces", "on"),
            ("detect_objects", "on"),
            ("forbidden_objects", "laptop"),
            ("forbidden_objects", "cell phone"),
            ("forbidden_objects", "book"),
            ("risk_weight_medium", "9"),
        ],
    );
    client.post_form(&format!("/exams/{exam_id}"), &fields).await.assert_status(StatusCode::SEE_OTHER);
    let expected = ExamDetection { risk_weights: [None, Some(9), None, None], ..ExamDetection::default() };
    assert_eq!(stored(&app, &exam_id).await, expected);
    let exam = queries::get_exam(&app.state.db, &exam_id).await.expect("query").expect("exam");
    assert_eq!((exam.title.as_str(), exam.duration_minutes), ("Renamed", 60));
}

async fn invalid_detection_settings_are_refused_and_nothing_is_stored(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let bad_label = exam_fields("Bad", &[("detect_objects", "on"), ("forbidden_objects", "smartphone")]);
    let res = client.post_form("/exams", &bad_label).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The detector does not know “smartphone”. Choose the forbidden objects from the list.")
        .assert_contains(r#"<details open"#);
    let no_label =
        exam_fields("Bad", &[("detect_objects", "on"), ("risk_weight_low", "101"), ("risk_weight_high", "x")]);
    let res = client.post_form("/exams", &no_label).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Tick at least one forbidden object, or turn off the search for forbidden objects.")
        .assert_contains(r#"id="risk_weight_low-error""#)
        .assert_contains(r#"id="risk_weight_high-error""#)
        .assert_contains(r#"value="101""#);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM exams WHERE status <> ?", "deleted").await, 0);
    // On an existing exam: 422, nothing changes, in French too.
    let exam_id = create_exam(&client, "Kept", "60").await;
    client.post_form("/lang", &[("lang", "fr")]).await;
    let fields = exam_fields("Changed", &[("forbidden_objects", "book"), ("risk_weight_critical", "-1")]);
    let res = client.post_form(&format!("/exams/{exam_id}"), &fields).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Saisissez un nombre entier de 0 à 100");
    assert_eq!(stored(&app, &exam_id).await, ExamDetection::default());
    let exam = queries::get_exam(&app.state.db, &exam_id).await.expect("query").expect("exam");
    assert_eq!(exam.title, "Kept");
}

async fn exams_without_overrides_follow_the_environment(app: TestApp) {
    let backend = app.backend;
    drop(app);
    let app = TestApp::with_config(backend, |c| {
        c.monitoring_mut().rules.forbidden_objects = vec!["remote".into(), "scissors".into()];
        c.monitoring_mut().weights.low = 7;
    })
    .await;
    let (client, teacher) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Plain", "60").await;
    assert_eq!(stored(&app, &exam_id).await, ExamDetection::default());
    assert_eq!(detection_settings(&app.state.db, "no-such-exam").await.expect("query"), ExamDetection::default());
    let edit = client.get(&format!("/exams/{exam_id}/edit")).await;
    edit.assert_contains(r#"value="scissors" checked"#).assert_contains(r#"placeholder="7""#);
    assert!(!edit.body.contains(r#"value="book" checked"#));
    client.get(&format!("/exams/{exam_id}")).await.assert_contains("remote, scissors (default)");
    let token = app.token_for(&teacher).await;
    let detection =
        app.client().api_get(&format!("/api/v1/exams/{exam_id}"), Some(&token)).await.json()["detection"].clone();
    assert_eq!(detection["forbidden_objects"], json!(null));
    assert_eq!(detection["effective"]["forbidden_objects"], json!(["remote", "scissors"]));
    assert_eq!(detection["effective"]["risk_weights"], json!({"low": 7, "medium": 5, "high": 15, "critical": 30}));
}

async fn api_post(client: &Client, path: &str, body: serde_json::Value, token: &str) -> crate::helpers::TestResponse {
    client.json(Method::POST, path, body, Some(token)).await
}

async fn the_api_reads_creates_and_replaces_detection_settings(app: TestApp) {
    let teacher = app.create_user(Role::Teacher, "det-api@example.test").await;
    let token = app.token_for(&teacher).await;
    let client = app.client();
    let bad = json!({"title": "T", "duration_minutes": 30, "detection": {"forbidden_objects": [], "risk_weights": {"high": 150}}});
    let res = api_post(&client, "/api/v1/exams", bad, &token).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let message = res.json()["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("detection.forbidden_objects: Tick at least one"), "{message}");
    assert!(message.contains("detection.risk_weights.high: Enter a whole number from 0 to 100"), "{message}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM exams WHERE teacher_id = ?", &teacher.id).await, 0);
    let body = json!({"title": "T", "duration_minutes": 30,
        "detection": {"faces": false, "forbidden_objects": ["Book"], "risk_weights": {"critical": 60}}});
    let res = api_post(&client, "/api/v1/exams", body, &token).await;
    res.assert_status(StatusCode::CREATED);
    let created = res.json();
    assert_eq!(created["detection"]["forbidden_objects"], json!(["book"]));
    assert_eq!(
        created["detection"]["risk_weights"],
        json!({"low": null, "medium": null, "high": null, "critical": 60})
    );
    assert_eq!(created["detection"]["effective"]["risk_weights"]["critical"], 60);
    let exam_id = created["id"].as_str().expect("id").to_owned();
    let own = ExamDetection {
        faces: false,
        objects: true,
        forbidden_objects: Some(vec!["book".into()]),
        risk_weights: [None, None, None, Some(60)],
    };
    assert_eq!(stored(&app, &exam_id).await, own);
    // Replacing: invalid input changes nothing; valid input replaces everything.
    let path = format!("/api/v1/exams/{exam_id}/detection");
    let res =
        api_post(&client, &path, json!({"forbidden_objects": ["tablet"], "risk_weights": {"low": -3}}), &token).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let message = res.json()["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("forbidden_objects: The detector does not know “tablet”"), "{message}");
    assert!(message.contains("risk_weights.low:"), "{message}");
    assert_eq!(stored(&app, &exam_id).await, own);
    let res = api_post(&client, &path, json!({"objects": false, "risk_weights": {"low": 1}}), &token).await;
    res.assert_status(StatusCode::OK);
    assert_eq!(res.json()["effective"]["forbidden_objects"], json!(["cell phone", "book", "laptop"]));
    let replaced =
        ExamDetection { objects: false, risk_weights: [Some(1), None, None, None], ..ExamDetection::default() };
    assert_eq!(stored(&app, &exam_id).await, replaced);
    let detail = client.api_get(&format!("/api/v1/exams/{exam_id}"), Some(&token)).await.json();
    assert_eq!(
        (detail["detection"]["faces"].as_bool(), detail["detection"]["objects"].as_bool()),
        (Some(true), Some(false))
    );
    let doc = client.api_get("/api/v1/openapi.json", None).await.json();
    assert!(doc["paths"]["/api/v1/exams/{exam_id}/detection"]["post"].is_object());
    let owner_view =
        &doc["paths"]["/api/v1/exams/{exam_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(owner_view["properties"]["detection"]["properties"]["effective"].is_object());
}

async fn only_the_owner_and_admins_change_detection_settings(app: TestApp) {
    let world = World::new(&app).await;
    let (teacher, other) = app.login_as(Role::Teacher).await;
    let (admin, _) = app.login_as(Role::Admin).await;
    let student = app.create_user(Role::Student, "det-student@example.test").await;
    let form_path = format!("/exams/{}", world.exam_id);
    let fields =
        exam_fields("World exam", &[("detect_faces", "on"), ("forbidden_objects", "book"), ("risk_weight_low", "50")]);
    teacher.post_form(&form_path, &fields).await.assert_status(StatusCode::NOT_FOUND);
    let api_path = format!("/api/v1/exams/{}/detection", world.exam_id);
    let body = json!({"faces": false});
    api_post(&app.client(), &api_path, body.clone(), &app.token_for(&other).await)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    api_post(&app.client(), &api_path, body.clone(), &app.token_for(&student).await)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(stored(&app, &world.exam_id).await, ExamDetection::default());
    admin.post_form(&form_path, &fields).await.assert_status(StatusCode::SEE_OTHER);
    let set = stored(&app, &world.exam_id).await;
    assert_eq!(
        (set.objects, set.forbidden_objects.as_deref(), set.risk_weights[0]),
        (false, Some(&["book".to_owned()][..]), Some(50))
    );
}
