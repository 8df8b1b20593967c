//! Two server replicas on one database: the background work that must happen once happens once,
//! whichever replica gets there first (both run it at the same moment here).

use std::time::Duration;

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::attempts::worker::submit_overdue;
use proctorwise::clock::Clock;
use proctorwise::db::now_ms;
use proctorwise::events::handle_once;
use proctorwise::events::payloads::ExamScheduled;
use proctorwise::exams::model::ReleaseMode;
use proctorwise::monitoring::worker;
use proctorwise::notifications::email::{Mailer, deliver_due};
use proctorwise::reports::scheduler::{Scheduled, run_due};
use proctorwise_batch::Job;

use crate::dual;
use crate::exam_scenario::Scenario;
use crate::helpers::TestApp;
use crate::helpers::services;
use crate::monitoring::{Taking, fast_rules, outbox};
use crate::notifications::{handler, synthetic};

dual!(
    overdue_attempts_are_submitted_once,
    a_scheduled_batch_job_runs_once,
    an_email_is_sent_once,
    the_monitoring_timer_acts_once
);

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.state.db.pool()).await.expect("count")
}

async fn overdue_attempts_are_submitted_once(app: TestApp) {
    let mut attempts = Vec::new();
    for _ in 0..3 {
        let s = Scenario::new(&app, ReleaseMode::Immediate).await;
        attempts.push(s.start().await);
    }
    sqlx::query("UPDATE attempts SET deadline_at = ?")
        .bind(now_ms() - 1)
        .execute(app.state.db.pool())
        .await
        .expect("overdue");
    let (a, b) = (app.state.clone(), app.restarted_state());
    let (by_a, by_b) = tokio::join!(submit_overdue(&a), submit_overdue(&b));
    let (by_a, by_b) = (by_a.expect("replica a"), by_b.expect("replica b"));
    assert_eq!(by_a + by_b, attempts.len(), "each attempt submitted by exactly one replica ({by_a} + {by_b})");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE event_type = 'exam_submitted'").await, 3);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE event_type = 'grading_completed'").await, 3);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE event_type = 'monitoring_stopped'").await, 3);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM attempts WHERE status = 'submitted' AND submit_reason = 'deadline'").await,
        3
    );
    let (again_a, again_b) = tokio::join!(submit_overdue(&a), submit_overdue(&b));
    assert_eq!((again_a.expect("a"), again_b.expect("b")), (0, 0), "nothing left to submit");
}

async fn a_scheduled_batch_job_runs_once(app: TestApp) {
    let (a, b) = (app.state.clone(), app.restarted_state());
    let config = app.state.config.batch().clone();
    let now = now_ms();
    let (ra, rb) = tokio::join!(
        run_due(&a.db, &config, Job::DailyAnomalies, now),
        run_due(&b.db, &config, Job::DailyAnomalies, now)
    );
    let ran = [&ra, &rb].iter().filter(|r| ***r == Scheduled::Ran).count();
    assert_eq!(ran, 1, "exactly one replica runs it: {ra:?}, {rb:?}");
    // A replica whose scheduler wakes later in the same period finds the run done.
    assert_eq!(run_due(&b.db, &config, Job::DailyAnomalies, now + 1_000).await, Scheduled::TakenElsewhere);
    let runs: Vec<(String, String)> =
        sqlx::query_as("SELECT trigger_kind, status FROM batch_runs WHERE job = 'daily-anomalies'")
            .fetch_all(app.state.db.pool())
            .await
            .expect("runs");
    assert_eq!(runs, vec![("schedule".to_owned(), "succeeded".to_owned())]);
}

async fn an_email_is_sent_once(app: TestApp) {
    let Some([smtp, _api]) =
        services::required("an SMTP sink (maildev)", ["PROCTORWISE_TEST_SMTP", "PROCTORWISE_TEST_MAILDEV_API"])
    else {
        return;
    };
    // A booking queues one email per student.
    for i in 0..6 {
        let student =
            app.create_user(Role::Student, &format!("replica-{i}-{}@example.test", uuid::Uuid::new_v4())).await;
        let booked = ExamScheduled {
            student_id: student.id.clone(),
            exam_id: "x".into(),
            exam_title: format!("Exam {i}"),
            starts_at: 1_900_000_000_000,
            ..Default::default()
        };
        handle_once(&app.state.db, &handler(&app), &synthetic(booked)).await.expect("handle");
    }
    let queued = count(&app, "SELECT COUNT(*) FROM email_outbox WHERE status = 'pending'").await;
    assert_eq!(queued, 6, "one email per booking");
    let mailer = Mailer::from_url(&format!("smtp://{smtp}"), "no-reply@localhost").expect("mailer");
    let (a, b) = (app.state.clone(), app.restarted_state());
    let (sa, sb) = tokio::join!(deliver_due(&a.db, &mailer), deliver_due(&b.db, &mailer));
    let (sa, sb) = (sa.expect("a"), sb.expect("b"));
    assert_eq!(i64::try_from(sa + sb).expect("n"), queued, "each email sent by exactly one replica ({sa} + {sb})");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM email_outbox WHERE status = 'sent'").await, queued);
}

/// The monitoring timer of both replicas at the same moment: a silent browser gets one
/// `connection_lost`, a vanished one's session is closed once (one `monitoring_stopped`), and
/// frames past their retention are deleted from the shared store with their rows updated.
async fn the_monitoring_timer_acts_once(app: TestApp) {
    let app = TestApp::with_state(
        app.backend,
        |c| {
            fast_rules(c);
            c.monitoring_mut().rules.frame_interval_ms = 100;
            c.monitoring_mut().rules.lost_after_intervals = 3;
            c.monitoring_mut().abandon_after = Duration::from_millis(1500);
            c.monitoring_mut().retention_days = 1;
        },
        |s| s.clock = Clock::manual(),
    )
    .await;
    let (silent, vanished) = (Taking::new(&app).await, Taking::new(&app).await);
    for t in [&silent, &vanished] {
        t.frame(1, &[0.9], &[], true).await.assert_status(StatusCode::ACCEPTED);
    }
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT storage_key FROM monitoring_frames WHERE storage_key IS NOT NULL")
            .fetch_all(app.state.db.pool())
            .await
            .expect("keys");
    assert_eq!(stored.len(), 2);
    sqlx::query("UPDATE monitoring_frames SET received_at = received_at - ?")
        .bind(2 * 86_400_000_i64)
        .execute(app.state.db.pool())
        .await
        .expect("old frames");
    app.state.clock.advance(Duration::from_millis(400));
    sqlx::query("UPDATE monitoring_sessions SET last_frame_at = last_frame_at - 5000 WHERE id = ?")
        .bind(&vanished.session_id)
        .execute(app.state.db.pool())
        .await
        .expect("vanished");
    let mut b = app.restarted_state();
    b.clock = app.state.clock.clone();
    let (ra, rb) = tokio::join!(worker::run_once(&app.state), worker::run_once(&b));
    let ((_, closed_a, _), (_, closed_b, _)) = (ra.expect("replica a"), rb.expect("replica b"));
    assert_eq!(closed_a + closed_b, 1, "the vanished session is closed by one replica");
    let lost = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM monitoring_anomalies WHERE kind = 'connection_lost' AND session_id = '{}'",
            silent.session_id
        ),
    )
    .await;
    assert_eq!(lost, 1, "one connection_lost for one silence");
    let stopped = outbox(&app, "monitoring_stopped").await;
    assert_eq!(stopped.len(), 1, "{stopped:?}");
    assert_eq!(
        (stopped[0]["session_id"].as_str(), stopped[0]["reason"].as_str()),
        (Some(vanished.session_id.as_str()), Some("abandoned"))
    );
    let left = count(&app, "SELECT COUNT(*) FROM monitoring_frames WHERE storage_key IS NOT NULL").await;
    assert_eq!(left, 0, "every expired frame forgotten");
    let dir = &app.state.config.monitoring().frame_dir;
    assert!(stored.iter().all(|key| !dir.join(key).exists()), "and its file deleted");
    // Another pass of both finds nothing left to do.
    let (ra, rb) = tokio::join!(worker::run_once(&app.state), worker::run_once(&b));
    assert_eq!((ra.expect("a").1, rb.expect("b").1), (0, 0));
    assert_eq!(outbox(&app, "monitoring_stopped").await.len(), 1);
}
