//! The exams JSON API: lists and details by role, creating drafts and questions.

use axum::http::{Method, StatusCode};
use proctorwise::accounts::model::Role;
use serde_json::json;

use crate::dual;
use crate::exams_support::published_exam;
use crate::fixtures::World;
use crate::helpers::TestApp;

dual!(teachers_build_exams_through_the_api, each_role_sees_its_view);

async fn teachers_build_exams_through_the_api(app: TestApp) {
    let teacher = app.create_user(Role::Teacher, "api-teacher@example.test").await;
    let token = app.token_for(&teacher).await;
    let client = app.client();
    let res = client.json(Method::POST, "/api/v1/exams", json!({"duration_minutes": 400}), Some(&token)).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let message = res.json()["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("title: Enter a title.") && message.contains("duration_minutes:"), "{message}");
    let res = client
        .json(
            Method::POST,
            "/api/v1/exams",
            json!({"title": "API exam", "duration_minutes": 40, "release_mode": "manual"}),
            Some(&token),
        )
        .await;
    res.assert_status(StatusCode::CREATED);
    let exam = res.json();
    assert_eq!(
        (exam["status"].as_str(), exam["pass_mark_percent"].as_i64(), exam["release_mode"].as_str()),
        (Some("draft"), Some(60), Some("manual"))
    );
    let exam_id = exam["id"].as_str().expect("id").to_owned();
    let questions = format!("/api/v1/exams/{exam_id}/questions");
    let res = client
        .json(
            Method::POST,
            &questions,
            json!({"kind": "mcq", "prompt": "P", "options": ["a"], "answer": 1}),
            Some(&token),
        )
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json()["message"].as_str().is_some_and(|m| m.contains("options:")));
    let res = client
        .json(
            Method::POST,
            &questions,
            json!({"kind": "mcq", "prompt": "P", "options": ["a", "b", "c"], "answer": [1, 3], "points": 1.5}),
            Some(&token),
        )
        .await;
    res.assert_status(StatusCode::CREATED);
    assert_eq!(res.json()["key"], json!([0, 2]));
    assert_eq!(res.json()["points"], "1.5");
    let res = client.api_get(&format!("/api/v1/exams/{exam_id}"), Some(&token)).await;
    res.assert_status(StatusCode::OK);
    assert_eq!(res.json()["questions"][0]["key"], json!([0, 2]));
    let list = client.api_get("/api/v1/exams", Some(&token)).await.json();
    assert_eq!(list["exams"].as_array().map(Vec::len), Some(1));
    // Someone else's exam is a 404, to read or to change.
    let world = World::new(&app).await;
    client
        .api_get(&format!("/api/v1/exams/{}", world.exam_id), Some(&token))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let res = client
        .json(
            Method::POST,
            &format!("/api/v1/exams/{}/questions", world.exam_id),
            json!({"kind": "essay", "prompt": "Mine?"}),
            Some(&token),
        )
        .await;
    res.assert_status(StatusCode::NOT_FOUND);
    // The document lists every route.
    let doc = client.api_get("/api/v1/openapi.json", None).await.json();
    for path in ["/api/v1/exams", "/api/v1/exams/{exam_id}", "/api/v1/exams/{exam_id}/questions"] {
        assert!(doc["paths"][path].is_object(), "{path} undocumented");
    }
}

async fn each_role_sees_its_view(app: TestApp) {
    let world = World::new(&app).await;
    let (client, teacher) = app.login_as(Role::Teacher).await;
    let (exam_id, _) = published_exam(&app, &client).await;
    let draft = crate::exams_support::create_exam(&client, "Still a draft", "30").await;
    let student = app.create_user(Role::Student, "api-student@example.test").await;
    let admin = app.create_user(Role::Admin, "api-admin@example.test").await;
    let proctor = app.create_user(Role::Proctor, "api-proctor@example.test").await;
    let api = app.client();
    let (s, a, p, t) = (
        app.token_for(&student).await,
        app.token_for(&admin).await,
        app.token_for(&proctor).await,
        app.token_for(&teacher).await,
    );
    let ids = |v: serde_json::Value| -> Vec<String> {
        v["exams"].as_array().into_iter().flatten().filter_map(|e| e["id"].as_str().map(str::to_owned)).collect()
    };
    // Student: the published exam with an upcoming slot only (the world's slot has started).
    let catalogue = api.api_get("/api/v1/exams", Some(&s)).await.json();
    assert_eq!(ids(catalogue.clone()), std::slice::from_ref(&exam_id));
    assert_eq!(catalogue["exams"][0]["slots"][0]["seats_left"], 5);
    let detail = api.api_get(&format!("/api/v1/exams/{exam_id}"), Some(&s)).await.json();
    assert_eq!(detail["slots"].as_array().map(Vec::len), Some(1));
    assert!(detail.get("questions").is_none() && !detail.to_string().contains("Rome"), "no questions for students");
    api.api_get(&format!("/api/v1/exams/{draft}"), Some(&s)).await.assert_status(StatusCode::NOT_FOUND);
    // Teacher: own exams only; admin: all, with keys.
    let mine = ids(api.api_get("/api/v1/exams", Some(&t)).await.json());
    assert!(mine.contains(&exam_id) && mine.contains(&draft) && !mine.contains(&world.exam_id));
    let all = ids(api.api_get("/api/v1/exams", Some(&a)).await.json());
    assert!(all.contains(&exam_id) && all.contains(&draft) && all.contains(&world.exam_id));
    let detail = api.api_get(&format!("/api/v1/exams/{exam_id}"), Some(&a)).await.json();
    assert_eq!(detail["questions"][0]["key"], json!(["Rome"]));
    // Proctors have no exam API; nobody without a token.
    api.api_get("/api/v1/exams", Some(&p)).await.assert_status(StatusCode::FORBIDDEN);
    api.api_get("/api/v1/exams", None).await.assert_status(StatusCode::UNAUTHORIZED);
    api.json(Method::POST, "/api/v1/exams", json!({"title": "S", "duration_minutes": 30}), Some(&s))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}
