//! Shared steps of the exam editor's tests: building exams through the real forms, bookings
//! through the booking service, multipart uploads.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use proctorwise::accounts::model::{Role, User};
use proctorwise::db::now_ms;
use proctorwise::events::EventType;

use crate::helpers::{Client, TestApp, TestResponse};

pub const HOUR: i64 = 3_600_000;

/// Creates an exam through the form; returns its id.
pub async fn create_exam(client: &Client, title: &str, duration: &str) -> String {
    let res = client
        .post_form(
            "/exams",
            &[
                ("title", title),
                ("description", "About it"),
                ("duration_minutes", duration),
                ("pass_mark_percent", "50"),
                ("release_mode", "immediate"),
            ],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    res.location().trim_start_matches("/exams/").to_owned()
}

/// Adds a slot starting `from_now` ms from now (UTC field filled as the script does).
pub async fn add_slot(client: &Client, exam_id: &str, from_now: i64, capacity: &str) -> TestResponse {
    let starts_at = (now_ms() + from_now).to_string();
    client
        .post_form(
            &format!("/exams/{exam_id}/slots"),
            &[("starts_local", ""), ("starts_at", &starts_at), ("capacity", capacity)],
        )
        .await
}

/// Adds a short-answer question through the form.
pub async fn add_short(client: &Client, exam_id: &str, prompt: &str, accepted: &str, points: &str) {
    client
        .post_form(
            &format!("/exams/{exam_id}/questions"),
            &[("kind", "short_answer"), ("prompt", prompt), ("accepted", accepted), ("points", points)],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
}

/// An exam with one question and one slot in a day, published; returns (exam id, slot id).
pub async fn published_exam(app: &TestApp, client: &Client) -> (String, String) {
    let exam_id = create_exam(client, "Published exam", "60").await;
    add_short(client, &exam_id, "Capital of Italy?", "Rome", "1").await;
    add_slot(client, &exam_id, 24 * HOUR, "5").await.assert_status(StatusCode::SEE_OTHER);
    client.post_form(&format!("/exams/{exam_id}/publish"), &[]).await.assert_status(StatusCode::SEE_OTHER);
    let slots = proctorwise::exams::queries::list_slots(&app.state.db, &exam_id).await.expect("slots");
    (exam_id, slots[0].id.clone())
}

/// A new student with an active booking on `slot_id`.
pub async fn book(app: &TestApp, slot_id: &str, tag: &str) -> User {
    let student = app.create_user(Role::Student, &format!("{tag}@example.test")).await;
    proctorwise::bookings::service::book(&app.state.db, &student.id, slot_id).await.expect("query").expect("booked");
    student
}

/// Sends a multipart upload of `bytes` as the field `file`, CSRF token in the header (as htmx does).
pub async fn upload(client: &Client, path: &str, file_name: &str, bytes: &[u8]) -> TestResponse {
    let token = client.csrf().await;
    upload_with(client, path, file_name, bytes, Some(&token)).await
}

/// A multipart upload as a browser without JavaScript sends it: the token (if any) only in the
/// form's action URL.
pub async fn upload_without_js(
    client: &Client,
    path: &str,
    file_name: &str,
    bytes: &[u8],
    token: Option<&str>,
) -> TestResponse {
    let path = match token {
        Some(t) => format!("{path}?csrf_token={t}"),
        None => path.to_owned(),
    };
    upload_with(client, &path, file_name, bytes, None).await
}

async fn upload_with(
    client: &Client,
    path: &str,
    file_name: &str,
    bytes: &[u8],
    header_token: Option<&str>,
) -> TestResponse {
    let boundary = "----proctorwise-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut req = Request::post(path).header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
    if let Some(token) = header_token {
        req = req.header("x-csrf-token", token);
    }
    let req = req.body(Body::from(body)).expect("request");
    client.send(req).await
}

/// Counts rows of a table matching a condition on an exam.
pub async fn count(app: &TestApp, sql: &str, id: &str) -> i64 {
    sqlx::query_scalar(sql).bind(id).fetch_one(app.state.db.pool()).await.expect("count")
}

/// `(aggregate id, payload)` of every `exam_cancelled` event.
pub async fn cancelled_events(app: &TestApp) -> Vec<(String, String)> {
    proctorwise::events::outbox::list_of_type(&app.state.db, EventType::ExamCancelled)
        .await
        .expect("outbox")
        .into_iter()
        .map(|row| (row.aggregate_id, row.payload))
        .collect()
}
