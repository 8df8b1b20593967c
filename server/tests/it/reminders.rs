//! Reminders before a booked exam: once per booking and lead time, even with two replicas
//! racing; none for a cancelled booking; in the student's language, in the app and by email.

use proctorwise::accounts::queries as accounts;
use proctorwise::bookings::reminders::{Leads, send_due};
use proctorwise::bookings::service as bookings;
use proctorwise::db::now_ms;
use proctorwise::events::outbox::list_of_type;
use proctorwise::events::{EventType, handle_once};
use proctorwise::i18n::Lang;
use proctorwise::notifications::outbox;
use serde_json::Value;

use crate::bookings::{published_exam, student, teacher};
use crate::dual;
use crate::helpers::TestApp;
use crate::notifications::{envelope, handler};

dual!(reminders_go_once_per_booking_and_lead_time);

const MINUTE: i64 = 60_000;

async fn reminders_go_once_per_booking_and_lead_time(app: TestApp) {
    let db = &app.state.db;
    let t = teacher(&app).await;
    // Slots in 30 minutes, in 10 hours and in 3 days.
    let (_, slots) =
        published_exam(&app, &t, "Optics", &[(30 * MINUTE, 5), (600 * MINUTE, 5), (3 * 1440 * MINUTE, 5)]).await;
    let (soon, later, far) = (&slots[0], &slots[1], &slots[2]);
    let (ana, _) = student(&app).await;
    accounts::set_locale(db, &ana.id, Lang::Fr).await.expect("locale");
    let (ben, _) = student(&app).await;
    let (cleo, _) = student(&app).await;
    let ana_booking = bookings::book(db, &ana.id, soon).await.expect("db").expect("booked");
    bookings::book(db, &ben.id, later).await.expect("db").expect("booked");
    let cancelled = bookings::book(db, &cleo.id, soon).await.expect("db").expect("booked");
    bookings::cancel_by_student(db, &cleo.id, &cancelled).await.expect("db").expect("cancelled");
    let (dan, _) = student(&app).await;
    bookings::book(db, &dan.id, far).await.expect("db").expect("booked");

    // Two replicas at the same moment: each due reminder is recorded once.
    let leads = Leads::standard();
    let replica = app.restarted_state();
    let now = now_ms();
    let (a, b) = tokio::join!(send_due(db, &leads, now), send_due(&replica.db, &leads, now));
    assert_eq!(a.expect("a") + b.expect("b"), 2, "Ana's 1-hour reminder and Ben's 24-hour one");
    assert_eq!(send_due(db, &leads, now + MINUTE).await.expect("again"), 0, "nothing twice");
    let rows = list_of_type(db, EventType::ExamReminder).await.expect("outbox");
    let payloads: Vec<Value> = rows.iter().map(|r| serde_json::from_str(&r.payload).expect("json")).collect();
    let lead_of = |student: &str| {
        payloads.iter().find(|p| p["student_id"] == student).map(|p| p["lead_minutes"].as_i64().unwrap_or_default())
    };
    assert_eq!(
        (lead_of(&ana.id), lead_of(&ben.id), lead_of(&cleo.id), lead_of(&dan.id)),
        (Some(60), Some(1440), None, None)
    );
    assert_eq!(
        rows.iter().find(|r| r.aggregate_id == ana_booking).map(|r| r.event_type.as_str()),
        Some("exam_reminder")
    );

    // Ben's 1-hour reminder comes when its window opens, not before.
    assert_eq!(send_due(db, &leads, now + 500 * MINUTE).await.expect("later"), 0);
    assert_eq!(send_due(db, &leads, now + 541 * MINUTE).await.expect("1 h before"), 1);

    // The notifications turn Ana's into a notice and an email, in French.
    let handler = handler(&app);
    for row in &rows {
        handle_once(db, &handler, &envelope(row)).await.expect("handled");
    }
    let emails = outbox::for_user(db, &ana.id).await.expect("emails");
    let reminder = emails.iter().find(|e| e.subject.starts_with("Rappel : Optics")).expect("a French reminder email");
    assert!(reminder.text_body.contains("/bookings"), "{}", reminder.text_body);
    let notices: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND event_type = 'exam_reminder'")
            .bind(&ana.id)
            .fetch_one(db.pool())
            .await
            .expect("notices");
    assert_eq!(notices, 1);
    assert!(outbox::for_user(db, &cleo.id).await.expect("emails").iter().all(|e| !e.subject.contains("Reminder")));
}
