//! Taking an exam: window, consent and webcam, autosave, resume, deadline, submission.

use axum::http::{Method, StatusCode};
use proctorwise::accounts::model::Role;
use proctorwise::attempts::{queries, worker};
use proctorwise::db::now_ms;
use proctorwise::events::EventType;
use proctorwise::events::outbox::list_of_type;
use proctorwise::exams::accommodations::queries as accommodation_queries;
use proctorwise::exams::model::{Accommodation, ReleaseMode};
use serde_json::json;

use crate::dual;
use crate::exam_scenario::{SECRET_GUIDE, SECRET_SHORT, Scenario};
use crate::helpers::TestApp;

dual!(
    the_slot_window_is_decided_by_the_server,
    webcam_is_mandatory_and_a_refusal_is_recorded,
    answers_are_saved_and_survive_a_reload_and_a_restart,
    the_key_never_reaches_the_student,
    the_server_submits_at_the_deadline_without_a_browser,
    no_answer_after_the_deadline_and_no_retake,
    extra_time_extends_the_deadline_beyond_the_slot,
    another_student_cannot_see_an_attempt,
    invalid_answers_are_refused_clearly,
    the_api_takes_an_exam_end_to_end,
);

async fn the_slot_window_is_decided_by_the_server(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let start = format!("/bookings/{}/start", s.booking_id);
    s.move_slot(&app, 30 * 60_000).await;
    s.student_client.get(&start).await.assert_status(StatusCode::OK).assert_contains("Opens in 30 min.");
    let res = s.student_client.post_form(&start, &[("consent", "on"), ("webcam", "granted")]).await;
    res.assert_status(StatusCode::CONFLICT).assert_contains("This exam is not open yet.");
    s.move_slot(&app, -2 * 3_600_000).await;
    s.student_client.get(&start).await.assert_contains("The slot of this exam is over.");
    let res = s.student_client.post_form(&start, &[("consent", "on"), ("webcam", "granted")]).await;
    res.assert_status(StatusCode::CONFLICT);
    s.move_slot(&app, -60_000).await;
    s.student_client.get(&start).await.assert_contains("Test my camera").assert_contains("I have read the rules");
}

async fn webcam_is_mandatory_and_a_refusal_is_recorded(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let c = &s.student_client;
    let res = c.post_form(&format!("/bookings/{}/start", s.booking_id), &[("consent", "on"), ("webcam", "")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("The webcam is mandatory");
    let res = c.post_form(&format!("/bookings/{}/start", s.booking_id), &[("webcam", "granted")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Tick the box to accept the rules");
    let res =
        c.post_form(&format!("/bookings/{}/webcam-refused", s.booking_id), &[("reason", "NotAllowedError")]).await;
    assert_eq!(res.location(), format!("/bookings/{}/start?refused=1", s.booking_id));
    c.get(res.location()).await.assert_contains("This refusal has been recorded.");
    let events = queries::events(&app.state.db, &s.booking_id).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].0.as_str(), events[0].1.as_str()), ("webcam_disabled", "NotAllowedError"));
    assert!(
        queries::get_by_booking(&app.state.db, &s.booking_id).await.expect("query").is_none(),
        "no attempt started"
    );
}

async fn answers_are_saved_and_survive_a_reload_and_a_restart(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    let c = &s.student_client;
    // htmx autosave: the status and the navigation come back, nothing else.
    let res = c.htmx_post(&format!("/attempts/{attempt_id}/q/3"), &[("text", "first draft")]).await;
    res.assert_status(StatusCode::OK).assert_contains("Saved at").assert_contains("hx-swap-oob");
    assert!(!res.body.contains("<html"));
    let deadline = queries::get(&app.state.db, &attempt_id).await.expect("q").expect("attempt").deadline_at;
    // A reload (same session) shows the saved text, and the same deadline.
    let page = c.get(&format!("/attempts/{attempt_id}/q/3")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("first draft")
        .assert_contains(&format!("data-deadline=\"{deadline}\""));
    // Starting again (a second tab, another device) resumes the same attempt.
    let again =
        c.post_form(&format!("/bookings/{}/start", s.booking_id), &[("consent", "on"), ("webcam", "granted")]).await;
    assert_eq!(again.location(), format!("/attempts/{attempt_id}"));
    // After a server restart the attempt resumes at the first unanswered question.
    let restarted = app.restart();
    let req = axum::http::Request::get(format!("/attempts/{attempt_id}"))
        .header("cookie", c.session_cookie().expect("cookie"))
        .body(axum::body::Body::empty())
        .expect("request");
    let res = tower::ServiceExt::oneshot(restarted, req).await.expect("response");
    assert_eq!(res.headers()["location"], format!("/attempts/{attempt_id}/q/1"));
    s.answer_all(&attempt_id).await;
    let page = c.get(&format!("/attempts/{attempt_id}/q/1")).await;
    page.assert_contains("value=\"0\" checked")
        .assert_contains("value=\"2\" checked")
        .assert_contains("4 of 4 answered");
}

async fn the_key_never_reaches_the_student(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    let c = &s.student_client;
    let mut bodies = Vec::new();
    for n in 1..=4 {
        bodies.push(c.get(&format!("/attempts/{attempt_id}/q/{n}")).await.body);
    }
    bodies.push(c.get(&format!("/attempts/{attempt_id}/review")).await.body);
    let token = app.token_for(&s.student).await;
    bodies.push(c.api_get(&format!("/api/v1/attempts/{attempt_id}"), Some(&token)).await.body);
    c.post_form(&format!("/attempts/{attempt_id}/q/3"), &[("text", "no idea")]).await;
    c.post_form(&format!("/attempts/{attempt_id}/submit"), &[("confirm", "yes")]).await;
    let teacher = app.client();
    teacher.login(&s.teacher.email, crate::helpers::PASSWORD).await;
    let copy = teacher.get(&format!("/exams/{}/results/{attempt_id}", s.exam_id)).await;
    let essay = copy.body.find("name=\"score\"").expect("an essay form");
    let action = &copy.body[..essay];
    let qid = action.rsplit("/questions/").next().and_then(|r| r.split('/').next()).expect("question id").to_owned();
    teacher
        .post_form(
            &format!("/exams/{}/results/{attempt_id}/questions/{qid}/grade", s.exam_id),
            &[("score", "3"), ("comment", "ok")],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    bodies.push(c.get(&format!("/attempts/{attempt_id}/result")).await.assert_status(StatusCode::OK).body.clone());
    bodies.push(c.api_get("/api/v1/results", Some(&token)).await.body);
    for body in &bodies {
        for secret in [SECRET_SHORT, SECRET_GUIDE, "answer_key", "\"key\""] {
            assert!(!body.contains(secret), "a student response contains {secret}:\n{}", &body[..body.len().min(1500)]);
        }
    }
    // The teacher's copy does show the key.
    copy.assert_contains(SECRET_SHORT).assert_contains(SECRET_GUIDE);
}

async fn the_server_submits_at_the_deadline_without_a_browser(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    s.answer_all(&attempt_id).await;
    let db = &app.state.db;
    sqlx::query("UPDATE attempts SET deadline_at = ? WHERE id = ?")
        .bind(now_ms() - 1)
        .bind(&attempt_id)
        .execute(db.pool())
        .await
        .expect("expire");
    assert_eq!(worker::submit_overdue(&app.state).await.expect("worker"), 1);
    assert_eq!(worker::submit_overdue(&app.state).await.expect("worker"), 0, "submitted once");
    let attempt = queries::get(db, &attempt_id).await.expect("q").expect("attempt");
    assert_eq!(attempt.status, proctorwise::attempts::model::AttemptStatus::Submitted);
    let reason: Option<String> = sqlx::query_scalar("SELECT submit_reason FROM attempts WHERE id = ?")
        .bind(&attempt_id)
        .fetch_one(db.pool())
        .await
        .expect("reason");
    assert_eq!(reason.as_deref(), Some("deadline"));
    // The saved answers were graded: 2 + 1 + 1 automatically, the essay waits for the teacher.
    let auto: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(SUM(score_hundredths) AS SIGNED) FROM answers WHERE attempt_id = ? AND score_hundredths IS NOT NULL",
    )
    .bind(&attempt_id)
    .fetch_one(db.pool())
    .await
    .expect("sum");
    assert_eq!(auto, Some(400));
    assert_eq!(list_of_type(db, EventType::ExamSubmitted).await.expect("events").len(), 1);
    assert_eq!(list_of_type(db, EventType::ManualReviewRequired).await.expect("events").len(), 1);
}

async fn no_answer_after_the_deadline_and_no_retake(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    let db = &app.state.db;
    sqlx::query("UPDATE attempts SET deadline_at = ? WHERE id = ?")
        .bind(now_ms() - 1)
        .bind(&attempt_id)
        .execute(db.pool())
        .await
        .expect("expire");
    let res = s.student_client.htmx_post(&format!("/attempts/{attempt_id}/q/2"), &[("truth", "true")]).await;
    res.assert_status(StatusCode::CONFLICT).assert_contains("Time is up");
    assert_eq!(res.header("hx-redirect"), format!("/attempts/{attempt_id}/result"));
    let saved: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers WHERE attempt_id = ? AND response <> 'null'")
        .bind(&attempt_id)
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(saved, 0, "nothing saved after the deadline");
    let page = s.student_client.get(&format!("/bookings/{}/start", s.booking_id)).await;
    page.assert_contains("You have already submitted this exam.");
    let res = s
        .student_client
        .post_form(&format!("/bookings/{}/start", s.booking_id), &[("consent", "on"), ("webcam", "granted")])
        .await;
    res.assert_status(StatusCode::CONFLICT);
    assert_eq!(
        s.student_client.get(&format!("/attempts/{attempt_id}/q/1")).await.location(),
        format!("/attempts/{attempt_id}/result")
    );
}

async fn extra_time_extends_the_deadline_beyond_the_slot(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let acc = Accommodation {
        exam_id: s.exam_id.clone(),
        student_id: s.student.id.clone(),
        extra_minutes: 0,
        extra_percent: 50,
        note: "dyslexia".into(),
    };
    accommodation_queries::upsert_accommodation(&app.state.db, &acc).await.expect("accommodation");
    let before = now_ms();
    let attempt_id = s.start().await;
    let attempt = queries::get(&app.state.db, &attempt_id).await.expect("q").expect("attempt");
    // 60 min + 30 min extra, capped by slot end (59 min left) + 30 min.
    let slot_end = before - 60_000 + 60 * 60_000;
    assert!(
        (attempt.deadline_at - (slot_end + 30 * 60_000)).abs() < 5_000,
        "deadline {} vs {}",
        attempt.deadline_at,
        slot_end
    );
    assert!(attempt.deadline_at > slot_end);
}

async fn another_student_cannot_see_an_attempt(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    let (other, other_user) = app.login_as(Role::Student).await;
    for path in [
        format!("/attempts/{attempt_id}"),
        format!("/attempts/{attempt_id}/q/1"),
        format!("/attempts/{attempt_id}/review"),
        format!("/attempts/{attempt_id}/result"),
        format!("/bookings/{}/start", s.booking_id),
    ] {
        other.get(&path).await.assert_status(StatusCode::NOT_FOUND);
    }
    other
        .post_form(&format!("/attempts/{attempt_id}/q/2"), &[("truth", "false")])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    other
        .post_form(&format!("/attempts/{attempt_id}/submit"), &[("confirm", "yes")])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let token = app.token_for(&other_user).await;
    other.api_get(&format!("/api/v1/attempts/{attempt_id}"), Some(&token)).await.assert_status(StatusCode::NOT_FOUND);
    let attempt = queries::get(&app.state.db, &attempt_id).await.expect("q").expect("attempt");
    assert_eq!(attempt.status, proctorwise::attempts::model::AttemptStatus::InProgress);
}

async fn invalid_answers_are_refused_clearly(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    let c = &s.student_client;
    let res = c.htmx_post(&format!("/attempts/{attempt_id}/q/1"), &[("choice", "9")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("This choice is not one of the options.");
    let res = c.htmx_post(&format!("/attempts/{attempt_id}/q/2"), &[("truth", "maybe")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    c.get(&format!("/attempts/{attempt_id}/q/9")).await.assert_status(StatusCode::NOT_FOUND);
    let res = c.htmx_post(&format!("/attempts/{attempt_id}/q/4"), &[("text", "<script>alert(1)</script>")]).await;
    res.assert_status(StatusCode::OK);
    let page = c.get(&format!("/attempts/{attempt_id}/q/4")).await;
    page.assert_contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!page.body.contains("<script>alert(1)"));
}

async fn the_api_takes_an_exam_end_to_end(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let token = app.token_for(&s.student).await;
    let c = app.client();
    let res = c
        .json(
            Method::POST,
            &format!("/api/v1/bookings/{}/start", s.booking_id),
            json!({"consent": true, "webcam": "denied"}),
            Some(&token),
        )
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let res = c
        .json(
            Method::POST,
            &format!("/api/v1/bookings/{}/start", s.booking_id),
            json!({"consent": true, "webcam": "granted"}),
            Some(&token),
        )
        .await;
    res.assert_status(StatusCode::CREATED);
    let attempt_id = res.json()["attempt_id"].as_str().expect("id").to_owned();
    let attempt = c.api_get(&format!("/api/v1/attempts/{attempt_id}"), Some(&token)).await.json();
    let questions = attempt["questions"].as_array().expect("questions").clone();
    assert_eq!(questions.len(), 4);
    let answers = [json!([0, 2]), json!(true), json!("zanzibar KEY"), json!("An essay.")];
    for (q, a) in questions.iter().zip(answers) {
        let body = json!({"question_id": q["id"], "response": a});
        c.json(Method::POST, &format!("/api/v1/attempts/{attempt_id}/answers"), body, Some(&token))
            .await
            .assert_status(StatusCode::OK);
    }
    let wrong = json!({"question_id": questions[1]["id"], "response": "yes"});
    c.json(Method::POST, &format!("/api/v1/attempts/{attempt_id}/answers"), wrong, Some(&token))
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    c.json(Method::POST, &format!("/api/v1/attempts/{attempt_id}/submit"), json!({}), Some(&token))
        .await
        .assert_status(StatusCode::OK);
    let late = json!({"question_id": questions[1]["id"], "response": false});
    c.json(Method::POST, &format!("/api/v1/attempts/{attempt_id}/answers"), late, Some(&token))
        .await
        .assert_status(StatusCode::CONFLICT);
    let results = c.api_get("/api/v1/results", Some(&token)).await.json();
    assert_eq!(results["results"][0]["result"], "pending", "the essay is not graded yet");
    assert!(results["results"][0]["score_hundredths"].is_null());
}
