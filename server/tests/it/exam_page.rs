//! The one exam page: a full load renders the page around a question or review panel, htmx
//! gets the very same panel markup alone (swapped into `#exam-body`), navigation buttons save
//! and answer with the next panel and its URL; the consent text comes from the configuration.

use axum::http::StatusCode;
use proctorwise::exams::model::ReleaseMode;

use crate::dual;
use crate::exam_scenario::Scenario;
use crate::helpers::{Client, TestApp, TestResponse};
use crate::monitoring::{Taking, fast_app};

dual!(
    a_question_is_the_same_panel_in_the_page_and_in_the_fragment,
    navigation_buttons_save_and_answer_with_the_next_panel_and_its_url,
    the_review_is_a_panel_of_the_same_page,
    a_finished_attempt_sends_htmx_to_the_result,
    the_consent_text_says_what_the_configuration_sends_and_keeps,
    a_tab_change_ends_with_its_duration_when_the_page_is_back,
);

async fn htmx_get(c: &Client, path: &str) -> TestResponse {
    c.get_with(path, &[("hx-request", "true"), ("hx-target", "exam-body")]).await
}

/// The whole exam page, with its bar and the panel inside `#exam-body`.
fn assert_full_page(page: &TestResponse) {
    page.assert_status(StatusCode::OK)
        .assert_contains("<html")
        .assert_contains("id=\"attempt\"")
        .assert_contains("id=\"exam-camera\"")
        .assert_contains("id=\"exam-body\"")
        .assert_contains(" hx-history-elt")
        .assert_contains("id=\"monitor-notice\"");
    assert_eq!(page.header("vary"), "HX-Request");
}

/// A panel alone: no layout, no bar, no camera (the loaded page keeps its own).
fn assert_fragment(fragment: &TestResponse) {
    fragment.assert_status(StatusCode::OK);
    for absent in ["<html", "id=\"attempt\"", "id=\"exam-camera\"", "id=\"exam-body\"", "<video"] {
        assert!(!fragment.body.contains(absent), "the fragment carries {absent}: {}", fragment.body);
    }
    assert_eq!(fragment.header("vary"), "HX-Request");
}

async fn a_question_is_the_same_panel_in_the_page_and_in_the_fragment(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    let c = &s.student_client;
    let url = format!("/attempts/{attempt_id}/q/2");
    let page = c.get(&url).await;
    assert_full_page(&page);
    // The server decides which frames carry a picture: the page no longer samples by itself.
    assert!(!page.body.contains("data-monitor-baseline"), "no browser-side sampling rate");
    assert!(page.body.contains("data-monitor-frames=\"/monitoring/sessions/"));
    let fragment = htmx_get(c, &url).await;
    assert_fragment(&fragment);
    fragment.assert_contains("Question 2 of 4").assert_contains("id=\"question-nav\"");
    assert!(page.body.contains(fragment.body.trim()), "the page embeds exactly the fragment's markup");
    // The numbered links swap panels in and keep the history.
    fragment
        .assert_contains(&format!("hx-get=\"/attempts/{attempt_id}/q/3\""))
        .assert_contains("hx-target=\"#exam-body\"")
        .assert_contains("hx-push-url=\"true\"");
    // A question that does not exist is a 404 in both forms.
    c.get(&format!("/attempts/{attempt_id}/q/9")).await.assert_status(StatusCode::NOT_FOUND);
    htmx_get(c, &format!("/attempts/{attempt_id}/q/9")).await.assert_status(StatusCode::NOT_FOUND);
}

async fn navigation_buttons_save_and_answer_with_the_next_panel_and_its_url(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    let c = &s.student_client;
    let base = format!("/attempts/{attempt_id}/q");
    let next = c.htmx_post(&format!("{base}/2"), &[("truth", "true"), ("go", "next")]).await;
    assert_fragment(&next);
    next.assert_contains("Question 3 of 4");
    assert_eq!(next.header("hx-push-url"), format!("{base}/3"));
    // The answer given with the button was saved: question 2 shows it and is marked answered.
    htmx_get(c, &format!("{base}/2")).await.assert_contains("value=\"true\" checked");
    next.assert_contains("Question 2, answered");
    let prev = c.htmx_post(&format!("{base}/3"), &[("text", "draft"), ("go", "prev")]).await;
    prev.assert_contains("Question 2 of 4");
    assert_eq!(prev.header("hx-push-url"), format!("{base}/2"));
    let review = c.htmx_post(&format!("{base}/4"), &[("text", "essay"), ("go", "next")]).await;
    assert_fragment(&review);
    review.assert_contains("id=\"review\"");
    assert_eq!(review.header("hx-push-url"), format!("/attempts/{attempt_id}/review"));
    // Without JavaScript the same buttons still work: a redirect to the page asked for.
    let plain = c.post_form(&format!("{base}/1"), &[("choice_present", "1"), ("go", "next")]).await;
    plain.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(plain.location(), format!("{base}/2"));
    // An autosave (no button) still answers with the status only.
    let saved = c.htmx_post(&format!("{base}/3"), &[("text", "second draft")]).await;
    saved.assert_contains("Saved at");
    assert!(!saved.body.contains("fieldset"), "an autosave does not swap the question");
    assert_eq!(saved.headers.get("hx-push-url"), None);
}

async fn the_review_is_a_panel_of_the_same_page(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    let c = &s.student_client;
    let url = format!("/attempts/{attempt_id}/review");
    let page = c.get(&url).await;
    assert_full_page(&page);
    let fragment = htmx_get(c, &url).await;
    assert_fragment(&fragment);
    fragment.assert_contains("id=\"review\"").assert_contains("Questions without an answer: 1, 2, 3, 4.");
    assert!(page.body.contains(fragment.body.trim()), "the page embeds exactly the fragment's markup");
    // Submitting leaves the exam page for the result (a plain form).
    fragment.assert_contains(&format!("action=\"/attempts/{attempt_id}/submit\""));
    assert!(!fragment.body.contains("hx-post=\"/attempts/"), "the submit form is not swapped in");
}

async fn a_finished_attempt_sends_htmx_to_the_result(app: TestApp) {
    let s = Scenario::new(&app, ReleaseMode::Immediate).await;
    let attempt_id = s.start().await;
    let c = &s.student_client;
    let res = c.post_form(&format!("/attempts/{attempt_id}/submit"), &[("confirm", "yes")]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    let result = format!("/attempts/{attempt_id}/result");
    for path in [format!("/attempts/{attempt_id}/q/1"), format!("/attempts/{attempt_id}/review")] {
        let page = c.get(&path).await;
        assert_eq!(page.location(), result, "a page load goes to the result");
        let fragment = htmx_get(c, &path).await;
        assert_eq!(fragment.header("hx-redirect"), result, "htmx leaves the exam page for the result");
        assert!(fragment.body.is_empty(), "no result page swapped into the exam body");
    }
}

async fn the_consent_text_says_what_the_configuration_sends_and_keeps(app: TestApp) {
    let backend = app.backend;
    let kept = TestApp::with_config(backend, |c| {
        c.monitoring_mut().baseline_every = 7;
        c.monitoring_mut().retention_days = 12;
        c.monitoring_mut().interval_ms = 2_500;
    })
    .await;
    let s = Scenario::new(&kept, ReleaseMode::Immediate).await;
    let page = s.student_client.get(&format!("/bookings/{}/start", s.booking_id)).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Your webcam image is analysed in your browser every 2.5 s")
        .assert_contains("images the server asks for at random, at least 1 in 7 of the others")
        .assert_contains("The images sent are kept 12 days, then deleted");
    assert!(!page.body.contains("only images showing a possible problem"), "the old, untrue promise is gone");

    let forever = TestApp::with_config(backend, |c| c.monitoring_mut().retention_days = 0).await;
    let s = Scenario::new(&forever, ReleaseMode::Immediate).await;
    let page = s.student_client.get(&format!("/bookings/{}/start", s.booking_id)).await;
    page.assert_contains("every 2 s")
        .assert_contains("at least 1 in 15 of the others")
        .assert_contains("The images sent are kept until an administrator deletes them");
}

async fn a_tab_change_ends_with_its_duration_when_the_page_is_back(app: TestApp) {
    // Cooldown 300 ms: the episode ends on the first input 300 ms after the page came back.
    let app = fast_app(app.backend).await;
    let t = Taking::new(&app).await;
    t.frame(1, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
    t.event("tab_hidden").await.assert_status(StatusCode::ACCEPTED);
    app.state.clock.advance(std::time::Duration::from_millis(600));
    t.event("tab_visible").await.assert_status(StatusCode::ACCEPTED);
    let open: (i64, Option<i64>) = sqlx::query_as(
        "SELECT started_at, ended_at FROM monitoring_anomalies WHERE session_id = ? AND kind = 'tab_change'",
    )
    .bind(&t.session_id)
    .fetch_one(app.state.db.pool())
    .await
    .expect("one tab change");
    assert_eq!(open.1, None, "still within the cooldown");
    app.state.clock.advance(std::time::Duration::from_millis(350));
    t.frame(2, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
    let rows: Vec<(String, i64, Option<i64>)> =
        sqlx::query_as("SELECT kind, started_at, ended_at FROM monitoring_anomalies WHERE session_id = ?")
            .bind(&t.session_id)
            .fetch_all(app.state.db.pool())
            .await
            .expect("anomalies");
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (kind, started, ended) = &rows[0];
    assert_eq!(kind, "tab_change");
    let lasted = ended.expect("ended when the page came back") - started;
    assert!((550..1500).contains(&lasted), "the duration is the time away: {lasted} ms");
}
