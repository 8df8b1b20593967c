//! Anomaly figures on a fixed monitoring fixture, exact numbers, on both databases.
//!
//! Fixture (times relative to today's UTC midnight `T0`; `h` = hour):
//!
//! | # | session (exam, student) | kind | severity | hour | status |
//! |---|---|---|---|---|---|
//! | 1 | A/s1 | no_face | high | T0+1h | counted |
//! | 2 | A/s1 | no_face | medium | T0+1h10 | counted |
//! | 3 | A/s1 | phone | critical | T0+2h | counted |
//! | 4 | A/s3 | multiple_faces | critical | T0+5h | counted |
//! | 5 | A/s3 | no_face | low | T0+5h10 | dismissed by the proctor |
//! | 6 | B/s1 | phone | high | T0+9h | rejected by verification |
//! | 7 | B/s1 | looking_away | low | T0+9h10 | counted |
//! | 8 | B/s3 | no_face | medium | T0+23h | counted |
//! | 9 | B/s3 | high_risk_alert | critical | T0+23h10 | derived alert, not counted |
//! | 10 | A/s1 | no_face | low | T0−1h (yesterday) | counted, not today |
//!
//! Sessions: four (A/s1, A/s3, B/s1 stopped; B/s3 active). Submitted attempts: five on A (the
//! analytics fixture) and three on B (s1, s2, s3) = 8; counted anomalies on submitted attempts:
//! 1, 2, 3, 4, 7, 8, 10 = 7 → 0.875 per attempt.

use axum::http::StatusCode;
use proctorwise::accounts::model::{Role, User};
use proctorwise::analytics::platform;
use proctorwise::analytics::reports as report;
use proctorwise::db::{Db, new_id, now_ms};
use proctorwise::exams::model::ReleaseMode;
use proctorwise::exams::queries as exams;

use super::exports::{poppler, records};
use super::fixture::{self, Analytics};
use crate::dual;
use crate::helpers::TestApp;

dual!(anomaly_figures_are_exact, anomaly_pages_and_exports_are_exact);

const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;

/// (id, session, exam, kind, severity, detected_at, verification, review).
type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, i64, &'a str, &'a str);

struct World {
    base: Analytics,
    exam_b: String,
    t0: i64,
}

async fn attempt_of(db: &Db, exam_id: &str, student: &User) -> String {
    sqlx::query_scalar("SELECT id FROM attempts WHERE exam_id = ? AND student_id = ?")
        .bind(exam_id)
        .bind(&student.id)
        .fetch_one(db.pool())
        .await
        .expect("attempt")
}

pub(super) async fn session(db: &Db, exam_id: &str, student: &User, active: bool, at: i64) -> String {
    let attempt = attempt_of(db, exam_id, student).await;
    let id = new_id();
    sqlx::query(
        "INSERT INTO monitoring_sessions (id, attempt_id, exam_id, student_id, status, active_key, started_at, stopped_at, rule_state, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?)",
    )
    .bind(&id)
    .bind(&attempt)
    .bind(exam_id)
    .bind(&student.id)
    .bind(if active { "active" } else { "stopped" })
    .bind(active.then(|| attempt.clone()))
    .bind(at)
    .bind((!active).then_some(at + HOUR))
    .bind(at)
    .execute(db.pool())
    .await
    .expect("session");
    // What the attempts context tells monitoring when the session starts and when it is submitted.
    sqlx::query(
        "UPDATE monitoring_sessions SET deadline_at = (SELECT a.deadline_at FROM attempts a WHERE a.id = ?), \
         attempt_submitted = COALESCE((SELECT 1 FROM attempts a WHERE a.id = ? AND a.status = 'submitted'), 0) WHERE id = ?",
    )
    .bind(&attempt)
    .bind(&attempt)
    .bind(&id)
    .execute(db.pool())
    .await
    .expect("session facts");
    id
}

#[expect(clippy::too_many_arguments, reason = "one fixture row, spelled out")]
pub(super) async fn anomaly(
    db: &Db,
    id: &str,
    session: &str,
    exam_id: &str,
    kind: &str,
    severity: &str,
    at: i64,
    verification: &str,
    review: &str,
) {
    sqlx::query(
        "INSERT INTO monitoring_anomalies (id, session_id, exam_id, student_id, kind, severity, method, confidence_permille, details, started_at, detected_at, verification, review, updated_at) \
         SELECT ?, s.id, ?, s.student_id, ?, ?, 'rule', 800, '{}', ?, ?, ?, ?, ? FROM monitoring_sessions s WHERE s.id = ?",
    )
    .bind(id)
    .bind(exam_id)
    .bind(kind)
    .bind(severity)
    .bind(at)
    .bind(at)
    .bind(verification)
    .bind(review)
    .bind(at)
    .bind(session)
    .execute(db.pool())
    .await
    .expect("anomaly");
}

impl World {
    async fn new(app: &TestApp) -> World {
        let base = Analytics::new(app).await;
        let db = &app.state.db;
        let now = now_ms();
        let t0 = now - now % DAY;
        let (exam_b, q) = fixture::exam(app, &base.teacher, "Géométrie", ReleaseMode::Immediate).await;
        for i in 0..3 {
            fixture::submit(db, &exam_b, &q, &base.students[i], Some([200, 100, 100, 400]), now - 5_000 + i as i64)
                .await;
        }
        let (s1, s3) = (&base.students[0], &base.students[2]);
        let a = &base.exam_id;
        let a1 = session(db, a, s1, false, t0 - 2 * HOUR).await;
        let a3 = session(db, a, s3, false, t0).await;
        let b1 = session(db, &exam_b, s1, false, t0).await;
        let b3 = session(db, &exam_b, s3, true, t0).await;
        let m = 10 * 60_000;
        let rows: [Row; 10] = [
            ("an-01", &a1, a, "no_face", "high", t0 + HOUR, "not_needed", "pending"),
            ("an-02", &a1, a, "no_face", "medium", t0 + HOUR + m, "confirmed", "confirmed"),
            ("an-03", &a1, a, "phone", "critical", t0 + 2 * HOUR, "pending", "pending"),
            ("an-04", &a3, a, "multiple_faces", "critical", t0 + 5 * HOUR, "confirmed", "pending"),
            ("an-05", &a3, a, "no_face", "low", t0 + 5 * HOUR + m, "not_needed", "dismissed"),
            ("an-06", &b1, &exam_b, "phone", "high", t0 + 9 * HOUR, "rejected", "pending"),
            ("an-07", &b1, &exam_b, "looking_away", "low", t0 + 9 * HOUR + m, "not_needed", "pending"),
            ("an-08", &b3, &exam_b, "no_face", "medium", t0 + 23 * HOUR, "unavailable", "pending"),
            ("an-09", &b3, &exam_b, "high_risk_alert", "critical", t0 + 23 * HOUR + m, "not_needed", "pending"),
            ("an-10", &a1, a, "no_face", "low", t0 - HOUR, "not_needed", "pending"),
        ];
        for (id, s, e, kind, severity, at, verification, review) in rows {
            anomaly(db, id, s, e, kind, severity, at, verification, review).await;
        }
        World { base, exam_b, t0 }
    }
}

fn pairs(v: &[(String, i64)]) -> Vec<(&str, i64)> {
    v.iter().map(|(k, n)| (k.as_str(), *n)).collect()
}

async fn anomaly_figures_are_exact(app: TestApp) {
    let w = World::new(&app).await;
    let db = &app.state.db;
    let d = platform::dashboard(db, now_ms()).await.expect("dashboard");
    assert_eq!((d.sessions.total, d.sessions.active, d.monitoring), (4, 1, true));
    assert_eq!(pairs(&d.anomalies_today), [("critical", 2), ("medium", 2), ("high", 1), ("low", 1)]);
    assert_eq!(d.anomalies_today_total(), 6);
    assert_eq!(d.submissions_total, 8);
    assert_eq!(d.anomalies_per_attempt, 0.875);
    let mut hours = [0; 24];
    (hours[1], hours[2], hours[5], hours[9], hours[23]) = (2, 1, 1, 1, 1);
    assert_eq!(d.anomalies_per_hour, hours);
    assert_eq!(
        pairs(&d.anomaly_types_today),
        [("no_face", 3), ("looking_away", 1), ("multiple_faces", 1), ("phone", 1)]
    );
    let recent: Vec<&str> = d.recent_anomalies.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(recent, ["an-08", "an-07", "an-04", "an-03", "an-02", "an-01", "an-10"]);
    let first = &d.recent_anomalies[0];
    assert_eq!((first.student_name.as_str(), first.exam_title.as_str()), ("Student 3", "Géométrie"));
    assert_eq!(first.attempt_id, attempt_of(db, &w.exam_b, &w.base.students[2]).await);

    let exam_a = exams::get_exam(db, &w.base.exam_id).await.expect("read").expect("exam");
    let r = report::exam_report(db, &exam_a).await.expect("report");
    assert_eq!(pairs(&r.anomalies), [("no_face", 3), ("multiple_faces", 1), ("phone", 1)]);
    let exam_b = exams::get_exam(db, &w.exam_b).await.expect("read").expect("exam");
    let r = report::exam_report(db, &exam_b).await.expect("report");
    assert_eq!(pairs(&r.anomalies), [("looking_away", 1), ("no_face", 1)]);
    let u = report::user_report(db, &w.base.students[0], false).await.expect("user report");
    assert_eq!(pairs(&u.anomalies), [("no_face", 3), ("looking_away", 1), ("phone", 1)]);
    let u = report::user_report(db, &w.base.students[2], false).await.expect("user report");
    assert_eq!(pairs(&u.anomalies), [("multiple_faces", 1), ("no_face", 1)]);
    let u = report::user_report(db, &w.base.students[3], false).await.expect("user report");
    assert!(u.anomalies.is_empty());

    // Yesterday's range holds anomaly 10 only.
    let y = proctorwise::analytics::anomaly_source::by_severity(db, w.t0 - DAY, w.t0).await.expect("yesterday");
    assert_eq!(pairs(&y), [("low", 1)]);
    let y = proctorwise::analytics::anomaly_source::per_hour(db, w.t0 - DAY, w.t0).await.expect("yesterday");
    assert_eq!((y[23], y.iter().sum::<i64>()), (1, 1));
}

async fn anomaly_pages_and_exports_are_exact(app: TestApp) {
    let w = World::new(&app).await;
    let (admin, _) = app.login_as(Role::Admin).await;
    admin
        .get("/admin")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(r#"id="chart-per-hour""#)
        .assert_contains("multiple_faces")
        .assert_contains("Géométrie");
    admin
        .get(&format!("/analytics/exams/{}", w.exam_b))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(r#"id="chart-anomalies""#)
        .assert_contains("looking_away");
    admin
        .get(&format!("/analytics/users/{}", w.base.students[0].id))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(r#"id="chart-anomalies""#)
        .assert_contains("no_face");

    let (status, _, bytes) = admin.get_bytes("/analytics/exports/anomalies.csv").await;
    assert_eq!(status, StatusCode::OK);
    let rows = records(&bytes);
    assert_eq!(rows[0], proctorwise::analytics::exports::stream::ANOMALY_HEADER.map(str::to_owned).to_vec());
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["an-10", "an-01", "an-02", "an-03", "an-04", "an-05", "an-06", "an-07", "an-08", "an-09"]);
    let row = |id: &str| rows.iter().find(|r| r[0] == id).cloned().expect("row");
    let dismissed = row("an-05");
    assert_eq!(dismissed[2..4], ["no_face", "low"]);
    assert_eq!(dismissed[4..6], ["Student 3", "Algèbre — Été"]);
    assert_eq!(dismissed[7..], ["dismissed", "not_needed"], "audit: the dismissed false alarm is exported");
    let rejected = row("an-06");
    assert_eq!(rejected[2..6], ["phone", "high", "Student 1", "Géométrie"]);
    assert_eq!(rejected[7..], ["pending", "rejected"], "audit: the rejected false alarm is exported");
    assert_eq!(row("an-02")[7..], ["confirmed", "confirmed"]);
    assert_eq!(row("an-01")[1], proctorwise::analytics::fmt::iso(w.t0 + HOUR));
    // Yesterday alone: anomaly 10.
    let day = proctorwise::analytics::fmt::date(w.t0 - DAY);
    let (_, _, bytes) = admin.get_bytes(&format!("/analytics/exports/anomalies.csv?from={day}&to={day}")).await;
    let rows = records(&bytes);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], "an-10");

    let (status, _, bytes) = admin.get_bytes(&format!("/analytics/exams/{}/report.pdf", w.base.exam_id)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, text) = poppler(&format!("exam-anomalies-{:?}.pdf", app.backend), &bytes);
    assert!(text.contains("Anomalies by type"), "{text}");
    let line = |name: &str| text.lines().find(|l| l.contains(name)).map(|l| l.split_whitespace().collect::<Vec<_>>());
    assert_eq!(line("no_face"), Some(vec!["no_face", "3"]), "{text}");
    assert_eq!(line("multiple_faces"), Some(vec!["multiple_faces", "1"]), "{text}");
    assert_eq!(line("looking_away"), None, "exam B's anomaly is not in exam A's report");
    let (status, _, bytes) = admin.get_bytes("/analytics/platform/report.pdf").await;
    assert_eq!(status, StatusCode::OK);
    let (_, text) = poppler(&format!("platform-anomalies-{:?}.pdf", app.backend), &bytes);
    let line = |name: &str| text.lines().find(|l| l.contains(name)).map(|l| l.split_whitespace().collect::<Vec<_>>());
    assert_eq!(line("no_face"), Some(vec!["no_face", "4"]), "{text}");
    assert_eq!(line("high_risk_alert"), None, "the derived alert is not counted");
}
