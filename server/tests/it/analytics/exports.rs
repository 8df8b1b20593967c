//! PDF and CSV exports: the PDF parses (poppler's `pdfinfo`/`pdftotext`), has the expected pages
//! and text with accents; page 1 is rendered to PNG under the test artefacts; CSV round-trips
//! with commas, quotes and newlines in names; every export is permission-checked.

use std::path::PathBuf;
use std::process::Command;

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::exams::model::ReleaseMode;
use proctorwise::exams::questions::QuestionInput;

use super::fixture::{self, Analytics, TRICKY_NAME};
use crate::dual;
use crate::helpers::{Client, PASSWORD, TestApp};

dual!(
    exam_pdf_has_pages_and_text,
    long_exam_pdf_is_paginated,
    user_and_platform_pdfs_parse,
    report_csvs_round_trip,
    submissions_export_streams_every_row_quoted,
    teachers_and_students_only_export_their_own,
    export_pages_through_ties_without_loss,
);

fn artefacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("analytics-artefacts");
    std::fs::create_dir_all(&dir).expect("artefact dir");
    dir
}

/// Writes the PDF, checks its MIME type; returns (pages, text) read by poppler.
pub(super) fn poppler(name: &str, bytes: &[u8]) -> (usize, String) {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let path = artefacts().join(name);
    std::fs::write(&path, bytes).expect("write pdf");
    let info = Command::new("pdfinfo").arg(&path).output().expect("pdfinfo (Debian poppler-utils) is required");
    assert!(info.status.success(), "pdfinfo rejects {name}: {}", String::from_utf8_lossy(&info.stderr));
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let pages =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|p| p.trim().parse().ok()).expect("page count");
    let text = Command::new("pdftotext").args(["-layout"]).arg(&path).arg("-").output().expect("pdftotext");
    assert!(text.status.success());
    let png = artefacts().join(name.replace(".pdf", ""));
    let shot = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&png)
        .status();
    assert!(shot.expect("pdftoppm").success(), "page 1 renders");
    (pages, String::from_utf8_lossy(&text.stdout).into_owned())
}

async fn logged(app: &TestApp, email: &str) -> Client {
    let c = app.client();
    c.login(email, PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
    c
}

async fn exam_pdf_has_pages_and_text(app: TestApp) {
    let w = Analytics::new(&app).await;
    let teacher = logged(&app, &w.teacher.email).await;
    let (status, headers, bytes) = teacher.get_bytes(&format!("/analytics/exams/{}/report.pdf", w.exam_id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["content-disposition"], "attachment; filename=\"exam-algebre-ete-report.pdf\"");
    let (pages, text) = poppler(&format!("exam-{:?}.pdf", app.backend), &bytes);
    assert_eq!(pages, 1);
    for needle in [
        "Exam report — Algèbre — Été",
        &w.teacher.name,
        "Pass rate",
        "50.0",
        "Item analysis",
        "Score distribution",
        "1 / 1",
    ] {
        assert!(text.contains(needle), "PDF text lacks {needle:?}:\n{text}");
    }
    assert!(!text.contains(&w.exam_id), "names, not ids");
    // French, accents intact.
    let (_, _, bytes) = teacher_fr(&app, &w.teacher.email, &format!("/analytics/exams/{}/report.pdf", w.exam_id)).await;
    let (_, text) = poppler(&format!("exam-fr-{:?}.pdf", app.backend), &bytes);
    for needle in ["Rapport d'examen — Algèbre — Été", "Taux de réussite", "50,0", "Répartition des notes", "Généré le"]
    {
        assert!(text.contains(needle), "French PDF lacks {needle:?}:\n{text}");
    }
}

/// A GET as a French reader (the language comes from the session after switching).
async fn teacher_fr(app: &TestApp, email: &str, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let c = logged(app, email).await;
    c.post_form("/lang", &[("lang", "fr"), ("next", "/")]).await;
    c.get_bytes(path).await
}

async fn long_exam_pdf_is_paginated(app: TestApp) {
    let (teacher, user) = app.login_as(Role::Teacher).await;
    let (exam_id, _) = fixture::exam(&app, &user, "Long", ReleaseMode::Immediate).await;
    let more: Vec<_> = (0..80)
        .map(|i| {
            QuestionInput {
                kind: "true_false".into(),
                prompt: format!("Énoncé numéro {i}"),
                options: vec![],
                answer: "true".into(),
                points: "1".into(),
                partial_credit: false,
            }
            .validate()
            .expect("valid")
        })
        .collect();
    proctorwise::exams::questions::queries::insert_all(&app.state.db, &exam_id, &more).await.expect("questions");
    let (status, _, bytes) = teacher.get_bytes(&format!("/analytics/exams/{exam_id}/report.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    let (pages, text) = poppler(&format!("long-{:?}.pdf", app.backend), &bytes);
    assert!(pages >= 2, "84 questions need more than one page");
    assert!(text.contains(&format!("1 / {pages}")) && text.contains(&format!("{pages} / {pages}")));
    assert!(text.contains("Énoncé numéro 79"));
    assert!(text.matches("Discrimination").count() >= 2, "the table header repeats on each page");
}

async fn user_and_platform_pdfs_parse(app: TestApp) {
    let w = Analytics::new(&app).await;
    let (admin, _) = app.login_as(Role::Admin).await;
    let (status, _, bytes) = admin.get_bytes(&format!("/analytics/users/{}/report.pdf", w.students[0].id)).await;
    assert_eq!(status, StatusCode::OK);
    let (pages, text) = poppler(&format!("user-{:?}.pdf", app.backend), &bytes);
    assert_eq!(pages, 1);
    for needle in ["Student report — Student 1", "Algèbre — Été", "87.5", "Multiple choice", "Score history"] {
        assert!(text.contains(needle), "user PDF lacks {needle:?}:\n{text}");
    }
    let (status, headers, bytes) = admin.get_bytes("/analytics/platform/report.pdf").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-disposition"].to_str().expect("ascii").starts_with("attachment; filename=\"platform-"));
    let (_, text) = poppler(&format!("platform-{:?}.pdf", app.backend), &bytes);
    for needle in ["Platform report", "Submissions per day", "Algèbre — Été", "No anomaly recorded."] {
        assert!(text.contains(needle), "platform PDF lacks {needle:?}:\n{text}");
    }
    let bad = admin.get("/analytics/platform/report.pdf?from=2026-02-30&to=2026-03-01").await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

pub(super) fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM first");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[3..]);
    reader.records().map(|r| r.expect("valid CSV").iter().map(str::to_owned).collect()).collect()
}

async fn report_csvs_round_trip(app: TestApp) {
    let w = Analytics::new(&app).await;
    let (admin, _) = app.login_as(Role::Admin).await;
    let (status, headers, bytes) = admin.get_bytes(&format!("/analytics/exams/{}/report.csv", w.exam_id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let rows = records(&bytes);
    assert_eq!(rows[0], ["Exam report — Algèbre — Été"]);
    assert_eq!(rows[1], ["Metric", "Value"]);
    let find = |label: &str| rows.iter().find(|r| r.first().is_some_and(|c| c == label)).cloned().unwrap_or_default();
    assert_eq!(find("Mean"), ["Mean", "50.0"]);
    assert_eq!(find("Third quartile"), ["Third quartile", "68.8"]);
    assert_eq!(find("0–20 %"), ["0–20 %", "1"]);
    let q3 = rows.iter().find(|r| r.first().is_some_and(|c| c == "3")).expect("item 3");
    assert_eq!(q3[2..], ["short_answer", "4", "50.0", "medium", "-1.00", "0.50", "1.00", "negative"]);
    assert!(rows.iter().any(|r| r.is_empty() || r.iter().all(String::is_empty)), "sections are separated");

    let (status, _, bytes) = admin.get_bytes(&format!("/analytics/users/{}/report.csv", w.students[1].id)).await;
    assert_eq!(status, StatusCode::OK);
    let rows = records(&bytes);
    assert_eq!(rows[2], ["Student", TRICKY_NAME], "comma, quotes and newline survive");
    assert!(rows.iter().any(|r| r.first().is_some_and(|c| c == "Algèbre — Été") && r[2] == "62.5"));

    let (status, _, bytes) = admin.get_bytes("/analytics/platform/report.csv").await;
    assert_eq!(status, StatusCode::OK);
    let rows = records(&bytes);
    assert!(rows.iter().any(|r| r.first().is_some_and(|c| c == "Algèbre — Été") && r[2] == "4"));
}

async fn submissions_export_streams_every_row_quoted(app: TestApp) {
    let w = Analytics::new(&app).await;
    let (admin, _) = app.login_as(Role::Admin).await;
    let (status, headers, bytes) = admin.get_bytes("/analytics/exports/submissions.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("content-length").is_none(), "streamed, not buffered");
    let rows = records(&bytes);
    assert_eq!(rows[0], proctorwise::analytics::exports::stream::SUBMISSION_HEADER);
    assert_eq!(rows.len(), 6);
    let tricky = rows.iter().find(|r| r[2] == TRICKY_NAME).expect("the tricky name round-trips");
    assert_eq!(tricky[4..11], ["Algèbre — Été", &w.teacher.name, "graded", "5.00", "8.00", "62.5", "1"]);
    let pending = rows.iter().find(|r| r[6] == "pending").expect("pending row");
    assert_eq!(pending[7..11], ["", "8.00", "", ""]);
    // A range without submissions: the header alone.
    let (_, _, bytes) = admin.get_bytes("/analytics/exports/submissions.csv?from=2001-01-01&to=2001-01-31").await;
    assert_eq!(records(&bytes).len(), 1);
    let (status, _, bytes) = admin.get_bytes("/analytics/exports/anomalies.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(records(&bytes), [proctorwise::analytics::exports::stream::ANOMALY_HEADER.map(str::to_owned).to_vec()]);
}

async fn teachers_and_students_only_export_their_own(app: TestApp) {
    let w = Analytics::new(&app).await;
    let (other, other_user) = app.login_as(Role::Teacher).await;
    let (own_exam, q) = fixture::exam(&app, &other_user, "Mine", ReleaseMode::Immediate).await;
    fixture::submit(&app.state.db, &own_exam, &q, &w.students[3], Some([0, 0, 0, 0]), proctorwise::db::now_ms()).await;
    for path in ["", "/report.pdf", "/report.csv"] {
        other.get(&format!("/analytics/exams/{}{path}", w.exam_id)).await.assert_status(StatusCode::NOT_FOUND);
    }
    other
        .get(&format!("/analytics/exports/submissions.csv?exam_id={}", w.exam_id))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // Without an exam, a teacher's export holds their own exams' rows only.
    let (_, _, bytes) = other.get_bytes("/analytics/exports/submissions.csv").await;
    let rows = records(&bytes);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][4], "Mine");
    // The search finds only the teacher's exams.
    let hits = other.get_with("/analytics/search/exams?q=e", &[("hx-request", "true")]).await;
    hits.assert_contains("Mine");
    assert!(!hits.body.contains("Algèbre"));
    other.get(&format!("/analytics/users/{}", w.students[0].id)).await.assert_status(StatusCode::FORBIDDEN);

    let student = logged(&app, &w.students[0].email).await;
    student.get(&format!("/analytics/users/{}", w.students[1].id)).await.assert_status(StatusCode::NOT_FOUND);
    student
        .get(&format!("/analytics/users/{}/report.csv", w.students[1].id))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    student.get(&format!("/analytics/exams/{}/report.pdf", w.exam_id)).await.assert_status(StatusCode::FORBIDDEN);
    let me = student.get("/analytics/me").await;
    assert_eq!(me.location(), format!("/analytics/users/{}", w.students[0].id));
    student.get(me.location()).await.assert_status(StatusCode::OK).assert_contains("Student 1");
    let (status, _, _) = student.get_bytes(&format!("/analytics/users/{}/report.pdf", w.students[0].id)).await;
    assert_eq!(status, StatusCode::OK);

    // The admin finds any exam and any user by searching.
    let (admin, _) = app.login_as(Role::Admin).await;
    admin.get_with("/analytics/search/exams?q=alg", &[("hx-request", "true")]).await.assert_contains("Algèbre — Été");
    admin
        .get_with("/analytics/search/users?q=zo%C3%AB", &[("hx-request", "true")])
        .await
        .assert_contains(&w.students[1].email);
}

/// 2,500 submissions over three milliseconds only: the keyset pages (1,000 rows) must neither
/// lose nor repeat a row where a page boundary falls inside one millisecond.
async fn export_pages_through_ties_without_loss(app: TestApp) {
    let w = Analytics::new(&app).await;
    let db = &app.state.db;
    let slot = proctorwise::exams::queries::insert_slot(db, &w.exam_id, 0, 100_000).await.expect("slot");
    let at = proctorwise::db::now_ms() - 3_600_000;
    let student = &w.students[0].id;
    for chunk in 0..10 {
        let (mut bookings, mut attempts) = (Vec::new(), Vec::new());
        for i in 0..250 {
            let (b, a) = (proctorwise::db::new_id(), proctorwise::db::new_id());
            let t = at + (chunk * 250 + i) % 3;
            bookings.push(format!("('{b}', '{}', '{slot}', '{student}', 'active', {t})", w.exam_id));
            attempts.push(format!(
                "('{a}', '{b}', '{}', '{student}', 'submitted', {t}, {t}, {t}, '[]', '{{}}', 'pending', 800)",
                w.exam_id
            ));
        }
        sqlx::query(&format!(
            "INSERT INTO bookings (id, exam_id, slot_id, student_id, status, created_at) VALUES {}",
            bookings.join(", ")
        ))
        .execute(db.pool())
        .await
        .expect("bookings");
        sqlx::query(&format!(
            "INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, submitted_at, \
             question_order, option_orders, grading_status, max_score_hundredths) VALUES {}",
            attempts.join(", ")
        ))
        .execute(db.pool())
        .await
        .expect("attempts");
    }
    let (admin, _) = app.login_as(Role::Admin).await;
    let (status, _, bytes) = admin.get_bytes("/analytics/exports/submissions.csv").await;
    assert_eq!(status, StatusCode::OK);
    let rows = records(&bytes);
    let ids: std::collections::BTreeSet<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(rows.len() - 1, 2_505, "every submission once");
    assert_eq!(ids.len(), 2_505, "no row repeated");
    let times: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert!(times.windows(2).all(|p| p[0] <= p[1]), "ordered by time");
}
