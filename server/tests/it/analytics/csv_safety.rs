//! CSV safety: names that look like spreadsheet formulas come out neutralised (a leading `'`)
//! while commas, quotes, newlines and accents round-trip; the streamed anomalies export pages
//! through ties on its sort key without losing or repeating a row.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::db::{new_id, now_ms};
use proctorwise::exams::model::ReleaseMode;

use super::anomalies::session;
use super::exports::records;
use super::fixture::{self, rename};
use crate::dual;
use crate::helpers::TestApp;

dual!(formula_names_are_neutralised_in_every_csv, anomaly_export_pages_through_ties_without_loss);

/// (stored name, what a CSV reader must read back).
const STUDENTS: [(&str, &str); 4] = [
    (
        "=HYPERLINK(\"http://evil.test\",\"Élodie, \"\"cliquez\"\"\")",
        "'=HYPERLINK(\"http://evil.test\",\"Élodie, \"\"cliquez\"\"\")",
    ),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("-2+3, «Zoë»\nligne deux", "'-2+3, «Zoë»\nligne deux"),
    ("Ève \"Tab\"\tO'Brien, Jr.", "Ève \"Tab\"\tO'Brien, Jr."),
];
const EXAM: (&str, &str) = ("+Contrôle, \"final\"", "'+Contrôle, \"final\"");

async fn formula_names_are_neutralised_in_every_csv(app: TestApp) {
    let (teacher, teacher_user) = app.login_as(Role::Teacher).await;
    let (exam_id, qids) = fixture::exam(&app, &teacher_user, EXAM.0, ReleaseMode::Immediate).await;
    let mut ids = Vec::new();
    for (i, (name, _)) in STUDENTS.iter().enumerate() {
        let mut s = app.create_user(Role::Student, &format!("csv{i}-{}@example.test", &new_id()[..8])).await;
        rename(&app.state.db, &mut s, name).await;
        fixture::submit(&app.state.db, &exam_id, &qids, &s, Some([200, 100, 0, 400]), now_ms() - 60_000 + i as i64)
            .await;
        ids.push(s.id);
    }

    let (status, _, bytes) = teacher.get_bytes("/analytics/exports/submissions.csv").await;
    assert_eq!(status, StatusCode::OK);
    let rows = records(&bytes);
    assert_eq!(rows.len(), 1 + STUDENTS.len());
    for (i, (_, read)) in STUDENTS.iter().enumerate() {
        assert_eq!(rows[1 + i][2], *read, "student {i}");
        assert_eq!(rows[1 + i][4], EXAM.1);
        assert_eq!(rows[1 + i][7..10], ["7.00", "8.00", "87.5"], "numbers are left alone");
    }

    let (_, _, bytes) = teacher.get_bytes(&format!("/analytics/exams/{exam_id}/report.csv")).await;
    let rows = records(&bytes);
    assert_eq!(rows[0], [format!("Exam report — {}", EXAM.0)], "a title starting with text is left alone");
    assert!(rows.iter().any(|r| r.len() == 2 && r[1] == EXAM.1), "the exam's name row is neutralised");
    // The item analysis keeps negative numbers as numbers.
    assert!(rows.iter().flatten().all(|c| !c.starts_with("'-0") && !c.starts_with("'-1")));

    let (admin, _) = app.login_as(Role::Admin).await;
    for (i, (_, read)) in STUDENTS.iter().enumerate() {
        let (status, _, bytes) = admin.get_bytes(&format!("/analytics/users/{}/report.csv", ids[i])).await;
        assert_eq!(status, StatusCode::OK);
        let rows = records(&bytes);
        assert_eq!(rows[2], ["Student", *read]);
        assert!(rows.iter().any(|r| r.first().is_some_and(|c| c == EXAM.1)), "history row of student {i}");
    }
}

/// 2,500 anomalies over three milliseconds: the keyset pages (1,000 rows) must neither lose nor
/// repeat a row where a page boundary falls inside one millisecond.
async fn anomaly_export_pages_through_ties_without_loss(app: TestApp) {
    let w = fixture::Analytics::new(&app).await;
    let db = &app.state.db;
    let at = now_ms() - 3_600_000;
    let s = session(db, &w.exam_id, &w.students[0], false, at - 60_000).await;
    for chunk in 0..10 {
        let rows: Vec<String> = (0..250)
            .map(|i| {
                let t = at + (chunk * 250 + i) % 3;
                format!(
                    "('{}', '{s}', '{}', '{}', 'no_face', 'low', 'rule', 800, '{{}}', {t}, {t}, 'not_needed', 'pending', {t})",
                    new_id(),
                    w.exam_id,
                    w.students[0].id
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO monitoring_anomalies (id, session_id, exam_id, student_id, kind, severity, method, \
             confidence_permille, details, started_at, detected_at, verification, review, updated_at) VALUES {}",
            rows.join(", ")
        ))
        .execute(db.pool())
        .await
        .expect("anomalies");
    }
    let (admin, _) = app.login_as(Role::Admin).await;
    let (status, _, bytes) = admin.get_bytes("/analytics/exports/anomalies.csv").await;
    assert_eq!(status, StatusCode::OK);
    let rows = records(&bytes);
    let ids: std::collections::BTreeSet<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(rows.len() - 1, 2_500, "every anomaly once");
    assert_eq!(ids.len(), 2_500, "no row repeated");
    let times: std::collections::HashMap<String, i64> =
        sqlx::query_as("SELECT id, detected_at FROM monitoring_anomalies")
            .fetch_all(db.pool())
            .await
            .expect("times")
            .into_iter()
            .collect();
    let keys: Vec<(i64, &str)> = rows[1..].iter().map(|r| (times[&r[0]], r[0].as_str())).collect();
    assert!(keys.windows(2).all(|p| p[0] < p[1]), "ordered by (time, id)");
    assert!(rows[1..].iter().all(|r| r[4] == w.students[0].name), "named rows");
}
