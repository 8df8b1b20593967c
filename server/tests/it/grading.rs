//! Grading: automatic scores, the essay review, release, results and their privacy.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::attempts::model::SubmitReason;
use proctorwise::attempts::queries;
use proctorwise::attempts::submit as service;
use proctorwise::events::EventType;
use proctorwise::events::outbox::list_of_type;
use proctorwise::exams::model::ReleaseMode;

use crate::dual;
use crate::exam_scenario::Scenario;
use crate::helpers::{Client, PASSWORD, TestApp};

dual!(
    essays_are_reviewed_then_the_attempt_is_graded,
    results_wait_for_the_teachers_release,
    only_the_owner_or_an_admin_sees_and_grades_results,
    a_blank_essay_is_graded_at_once,
    concurrent_submissions_count_once,
);

async fn teacher_client(app: &TestApp, s: &Scenario) -> Client {
    let c = app.client();
    c.login(&s.teacher.email, PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
    c
}

fn essay_grade_url(copy_html: &str) -> String {
    let form = copy_html.find("name=\"score\"").expect("essay form");
    let start = copy_html[..form].rfind("action=\"").expect("action") + "action=\"".len();
    let end = copy_html[start..].find('"').expect("end") + start;
    copy_html[start..end].to_owned()
}

async fn submitted(app: &TestApp, release: ReleaseMode) -> (Scenario, String) {
    let s = Scenario::new(app, release).await;
    let attempt_id = s.start().await;
    s.answer_all(&attempt_id).await;
    s.student_client
        .post_form(&format!("/attempts/{attempt_id}/submit"), &[("confirm", "yes")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    (s, attempt_id)
}

async fn essays_are_reviewed_then_the_attempt_is_graded(app: TestApp) {
    let (s, attempt_id) = submitted(&app, ReleaseMode::Immediate).await;
    s.student_client.get(&format!("/attempts/{attempt_id}/result")).await.assert_contains("is being graded");
    let teacher = teacher_client(&app, &s).await;
    teacher.get("/grading").await.assert_contains("1 answer(s)");
    let results = teacher.get(&format!("/exams/{}/results", s.exam_id)).await;
    results.assert_status(StatusCode::OK).assert_contains(&s.student.name).assert_contains("To grade");
    results.assert_contains("Physics &lt;b&gt;midterm&lt;/b&gt;");
    let copy = teacher.get(&format!("/exams/{}/results/{attempt_id}", s.exam_id)).await;
    copy.assert_contains("Because trust matters.");
    let url = essay_grade_url(&copy.body);
    let res = teacher.post_form(&url, &[("score", "4.5"), ("comment", "")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("cannot exceed 4 points");
    teacher.post_form(&url, &[("score", "abc")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    teacher
        .post_form(&url, &[("score", "3.5"), ("comment", "Good <i>argument</i>")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let attempt = queries::get(&app.state.db, &attempt_id).await.expect("q").expect("attempt");
    assert!(attempt.graded);
    assert_eq!(attempt.score, Some(750));
    assert_eq!(attempt.passed, Some(true));
    assert_eq!(list_of_type(&app.state.db, EventType::GradingCompleted).await.expect("events").len(), 1);
    teacher.get("/grading").await.assert_contains("Nothing to grade");
    let result = s.student_client.get(&format!("/attempts/{attempt_id}/result")).await;
    result.assert_contains("7.5 / 8").assert_contains("You passed").assert_contains("Good &lt;i&gt;argument&lt;/i&gt;");
    s.student_client.get("/results").await.assert_contains("7.5 / 8");
    // A later correction updates the total without a second event.
    teacher.post_form(&url, &[("score", "1"), ("comment", "Revised")]).await.assert_status(StatusCode::SEE_OTHER);
    let attempt = queries::get(&app.state.db, &attempt_id).await.expect("q").expect("attempt");
    assert_eq!((attempt.score, attempt.passed), (Some(500), Some(true)));
    assert_eq!(list_of_type(&app.state.db, EventType::GradingCompleted).await.expect("events").len(), 1);
}

async fn results_wait_for_the_teachers_release(app: TestApp) {
    let (s, attempt_id) = submitted(&app, ReleaseMode::Manual).await;
    let teacher = teacher_client(&app, &s).await;
    let copy = teacher.get(&format!("/exams/{}/results/{attempt_id}", s.exam_id)).await;
    teacher.post_form(&essay_grade_url(&copy.body), &[("score", "2")]).await.assert_status(StatusCode::SEE_OTHER);
    let page = s.student_client.get(&format!("/attempts/{attempt_id}/result")).await;
    page.assert_contains("your teacher will release the results");
    assert!(!page.body.contains("6 / 8"));
    let token = app.token_for(&s.student).await;
    let api = s.student_client.api_get("/api/v1/results", Some(&token)).await.json();
    assert_eq!(api["results"][0]["result"], "awaiting_release");
    assert!(api["results"][0]["score_hundredths"].is_null());
    teacher.post_form(&format!("/exams/{}/results/release", s.exam_id), &[]).await.assert_status(StatusCode::SEE_OTHER);
    s.student_client.get(&format!("/attempts/{attempt_id}/result")).await.assert_contains("6 / 8");
    let api = s.student_client.api_get("/api/v1/results", Some(&token)).await.json();
    assert_eq!(api["results"][0]["score_hundredths"], 600);
}

async fn only_the_owner_or_an_admin_sees_and_grades_results(app: TestApp) {
    let (s, attempt_id) = submitted(&app, ReleaseMode::Immediate).await;
    let (other_teacher, _) = app.login_as(Role::Teacher).await;
    let owner = teacher_client(&app, &s).await;
    let url = essay_grade_url(&owner.get(&format!("/exams/{}/results/{attempt_id}", s.exam_id)).await.body);
    for path in [format!("/exams/{}/results", s.exam_id), format!("/exams/{}/results/{attempt_id}", s.exam_id)] {
        other_teacher.get(&path).await.assert_status(StatusCode::NOT_FOUND);
    }
    other_teacher.post_form(&url, &[("score", "4")]).await.assert_status(StatusCode::NOT_FOUND);
    other_teacher
        .post_form(&format!("/exams/{}/results/release", s.exam_id), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let (admin, _) = app.login_as(Role::Admin).await;
    admin.get(&format!("/exams/{}/results", s.exam_id)).await.assert_status(StatusCode::OK);
    admin.post_form(&url, &[("score", "4")]).await.assert_status(StatusCode::SEE_OTHER);
    let (student, _) = app.login_as(Role::Student).await;
    student.get(&format!("/exams/{}/results", s.exam_id)).await.assert_status(StatusCode::FORBIDDEN);
    student.get(&format!("/attempts/{attempt_id}/result")).await.assert_status(StatusCode::NOT_FOUND);
}

async fn a_blank_essay_is_graded_at_once(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    s.student_client
        .post_form(&format!("/attempts/{attempt_id}/q/1"), &[("choice_present", "1"), ("choice", "0")])
        .await;
    s.student_client.post_form(&format!("/attempts/{attempt_id}/submit"), &[("confirm", "yes")]).await;
    let attempt = queries::get(&app.state.db, &attempt_id).await.expect("q").expect("attempt");
    assert!(attempt.graded, "nothing left for a teacher");
    assert_eq!((attempt.score, attempt.passed), (Some(0), Some(false)));
    assert_eq!(list_of_type(&app.state.db, EventType::ManualReviewRequired).await.expect("events").len(), 0);
    let completed = list_of_type(&app.state.db, EventType::GradingCompleted).await.expect("events");
    assert_eq!(completed.len(), 1);
    let payload: serde_json::Value = serde_json::from_str(&completed[0].payload).expect("json");
    assert_eq!(payload["score_hundredths"], 0);
    assert_eq!(completed[0].version, 1);
    s.student_client
        .get(&format!("/attempts/{attempt_id}/result"))
        .await
        .assert_contains("You did not reach the pass mark.");
}

async fn concurrent_submissions_count_once(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    let db = app.state.db.clone();
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let state = app.state.clone();
            let id = attempt_id.clone();
            let reason = if i % 2 == 0 { SubmitReason::Student } else { SubmitReason::Deadline };
            tokio::spawn(async move { service::submit(&state, &id, reason).await.expect("submit") })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        if t.await.expect("task") {
            wins += 1;
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(list_of_type(&db, EventType::ExamSubmitted).await.expect("events").len(), 1);
}
