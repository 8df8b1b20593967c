//! Emails through a real SMTP server (maildev, started by deploy/lib/maildev.sh, which exports
//! PROCTORWISE_TEST_SMTP and PROCTORWISE_TEST_MAILDEV_API). When those variables are set and
//! maildev does not answer, these tests fail, as they do under deploy/test.sh without them.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::db::now_ms;
use proctorwise::events::handle_once;
use proctorwise::events::payloads::ExamScheduled;
use proctorwise::notifications::email::{Mailer, deliver_due};
use proctorwise::notifications::outbox;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::dual;
use crate::helpers::{TestApp, services};
use crate::notifications::{handler, synthetic};

dual!(emails_are_sent_only_when_the_server_accepts_them, admins_see_pending_emails_without_smtp);

const FROM: &str = "ProctorWise <no-reply@localhost>";

/// maildev's SMTP address and HTTP API, or `None` when they are unset outside deploy/test.sh
/// (see [`services::required`]).
#[track_caller]
fn maildev() -> Option<[String; 2]> {
    services::required("an SMTP sink (maildev)", ["PROCTORWISE_TEST_SMTP", "PROCTORWISE_TEST_MAILDEV_API"])
}

/// GET on maildev's HTTP API (plain HTTP/1.0: the server closes the connection after the body).
async fn http_get(api: &str, path: &str) -> Value {
    let host = api.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .unwrap_or_else(|e| panic!("maildev API at {api} is unreachable: {e}"));
    stream.write_all(format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8_lossy(&raw);
    let body = text.split_once("\r\n\r\n").expect("HTTP response").1;
    serde_json::from_str(body).unwrap_or_else(|e| panic!("maildev answered non-JSON ({e}): {body}"))
}

async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("addr").port()
}

async fn emails_are_sent_only_when_the_server_accepts_them(app: TestApp) {
    let Some([smtp, api]) = maildev() else { return };
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let student = app.create_user(Role::Student, &format!("mail-{tag}@example.test")).await;
    let booked = ExamScheduled {
        student_id: student.id.clone(),
        exam_id: "x".into(),
        exam_title: "Optics <i>final</i>".into(),
        starts_at: 1_900_000_000_000,
        ..Default::default()
    };
    handle_once(&app.state.db, &handler(&app), &synthetic(booked)).await.expect("handle");
    let queued = outbox::for_user(&app.state.db, &student.id).await.expect("emails");
    assert_eq!((queued.len(), queued[0].status.as_str()), (1, "pending"));

    // The SMTP server is down: still pending, with the attempt, the error and a later retry time.
    let down = Mailer::from_url(&format!("smtp://127.0.0.1:{}", closed_port().await), FROM).expect("mailer");
    assert_eq!(deliver_due(&app.state.db, &down).await.expect("deliver"), 0);
    let failed = &outbox::for_user(&app.state.db, &student.id).await.expect("emails")[0];
    assert_eq!((failed.status.as_str(), failed.attempts), ("pending", 1));
    assert!(!failed.last_error.is_empty());
    assert!(failed.next_attempt_at > now_ms(), "back-off");
    assert!(failed.sent_at.is_none());
    let up = Mailer::from_url(&format!("smtp://{smtp}"), FROM).expect("mailer");
    assert_eq!(deliver_due(&app.state.db, &up).await.expect("deliver"), 0, "not due before its back-off");

    // Later, against a working server, the retry sends it.
    sqlx::query("UPDATE email_outbox SET next_attempt_at = 0 WHERE user_id = ?")
        .bind(&student.id)
        .execute(app.state.db.pool())
        .await
        .expect("due now");
    assert_eq!(deliver_due(&app.state.db, &up).await.expect("deliver"), 1);
    let sent = &outbox::for_user(&app.state.db, &student.id).await.expect("emails")[0];
    assert_eq!(sent.status, "sent");
    assert!(sent.sent_at.is_some());

    let all = http_get(&api, "/email").await;
    let mail = all
        .as_array()
        .expect("list")
        .iter()
        .find(|m| m["to"][0]["address"] == student.email.as_str())
        .unwrap_or_else(|| panic!("maildev has no email to {}: {all}", student.email));
    assert_eq!(mail["subject"], "Exam booked: Optics <i>final</i>");
    assert!(mail["text"].as_str().expect("text").contains("Your place for Optics <i>final</i>"));
    let html = mail["html"].as_str().expect("html");
    assert!(html.contains("Optics &lt;i&gt;final&lt;/i&gt;") && !html.contains("<i>final"), "{html}");
    assert_eq!(mail["from"][0]["address"], "no-reply@localhost");
    assert_eq!(deliver_due(&app.state.db, &up).await.expect("deliver"), 0, "sent once");
}

async fn admins_see_pending_emails_without_smtp(app: TestApp) {
    let student = app.create_user(Role::Student, "pending@example.test").await;
    let booked = ExamScheduled {
        student_id: student.id.clone(),
        exam_id: "x".into(),
        exam_title: "Geology".into(),
        ..Default::default()
    };
    handle_once(&app.state.db, &handler(&app), &synthetic(booked)).await.expect("handle");
    let (admin, _) = app.login_as(Role::Admin).await;
    let page = admin.get("/admin/emails?status=pending").await;
    page.assert_status(StatusCode::OK).assert_contains("pending@example.test").assert_contains("No SMTP server");
    let failed = admin.get("/admin/emails?status=failed").await;
    assert!(!failed.body.contains("pending@example.test"));
    let emails = outbox::for_user(&app.state.db, &student.id).await.expect("emails");
    assert_eq!(emails[0].status, "pending", "never marked sent without SMTP");
}
