//! The exam report PDF explains confirmed anomalies, and teachers read each attempt's integrity
//! (risk, confirmed anomalies, the proctor's decisions) before they grade; the evidence link only
//! for those who may open the proctor's pages.

use std::process::Command;

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::attempts::model::SubmitReason;

use super::explain::Monitored;
use crate::dual;
use crate::helpers::{Client, PASSWORD, TestApp};

dual!(the_exam_report_pdf_explains_confirmed_anomalies, teachers_see_integrity_before_they_grade);

fn pdf_text(bytes: &[u8], name: &str) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).expect("write pdf");
    let out = Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext (poppler-utils) is required");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn logged(app: &TestApp, email: &str) -> Client {
    let c = app.client();
    c.login(email, PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
    c
}

async fn the_exam_report_pdf_explains_confirmed_anomalies(app: TestApp) {
    let m = Monitored::new(&app).await;
    let (_, frame) = m.two_faces(&app).await;
    m.anomaly(&app, "tab_change", "medium", "{}", None, Some(12_000), "not_needed", "dismissed").await;
    m.anomaly(&app, "face_absent", "high", "{}", None, Some(8_000), "rejected", "dismissed").await;
    m.anomaly(&app, "connection_lost", "medium", "{}", None, Some(9_000), "not_needed", "pending").await;
    let teacher = logged(&app, &m.s.teacher.email).await;
    let (status, _, bytes) = teacher.get_bytes(&format!("/analytics/exams/{}/report.pdf", m.s.exam_id)).await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&bytes, &format!("explain-{:?}.pdf", app.backend));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Confirmed anomalies, explained",
        "2 faces seen for 6 s",
        "Why: 2 faces seen for 6 s",
        "Browser: 2 faces (0.91, 0.62) (flagged it) — Server: 2 faces (0.93, 0.88)",
        "face model centerface-640",
        "no frame for 9 s",
        frame.as_str(),
    ] {
        assert!(flat.contains(needle), "PDF text lacks {needle:?}:\n{text}");
    }
    assert!(!flat.contains("exam tab hidden"), "a dismissed anomaly is not explained as confirmed:\n{text}");
    assert!(!flat.contains("no face for"), "a rejected flag is not explained as confirmed:\n{text}");
    teacher.post_form("/lang", &[("lang", "fr")]).await.assert_status(StatusCode::SEE_OTHER);
    let (_, _, fr) = teacher.get_bytes(&format!("/analytics/exams/{}/report.pdf", m.s.exam_id)).await;
    let fr_text = pdf_text(&fr, &format!("explain-fr-{:?}.pdf", app.backend));
    let fr_flat = fr_text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(fr_flat.contains("2 visages vus pendant 6 s"), "{fr_text}");
    assert!(fr_flat.contains("Navigateur : 2 visages (0,91 ; 0,62) (l'a signalée)"), "{fr_text}");
}

async fn teachers_see_integrity_before_they_grade(app: TestApp) {
    let m = Monitored::new(&app).await;
    let (anomaly, _) = m.two_faces(&app).await;
    m.anomaly(&app, "tab_change", "medium", "{}", None, Some(12_000), "not_needed", "dismissed").await;
    m.anomaly(&app, "face_absent", "high", "{}", None, Some(8_000), "rejected", "pending").await;
    let (proctor, _) = app.login_as(Role::Proctor).await;
    proctor
        .post_form(
            &format!("/proctor/anomalies/{anomaly}/review"),
            &[("decision", "confirm"), ("note", "Sister in view")],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    proctorwise::attempts::submit::submit(&app.state, &m.attempt_id, SubmitReason::Student).await.expect("submit");
    let risk: i64 = sqlx::query_scalar("SELECT risk_score FROM monitoring_sessions WHERE id = ?")
        .bind(&m.session_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("risk");
    assert!(risk > 0, "the confirmed critical anomaly counts");

    let teacher = logged(&app, &m.s.teacher.email).await;
    let results = teacher.get(&format!("/exams/{}/results", m.s.exam_id)).await;
    results
        .assert_status(StatusCode::OK)
        .assert_contains("<th scope=\"col\">Integrity</th>")
        .assert_contains(&format!("title=\"Risk score\">{risk}</span>"))
        .assert_contains("2 faces seen for 6 s")
        .assert_contains("Confirmed by a proctor")
        .assert_contains("by proctor Test");
    assert!(!results.body.contains("exam tab hidden"), "a dismissed anomaly is left out");
    assert!(!results.body.contains("no face for"), "a rejected flag is left out");
    assert!(!results.body.contains("/proctor/sessions/"), "a teacher may not open the proctor's pages");
    let copy_url = format!("/exams/{}/results/{}", m.s.exam_id, m.attempt_id);
    let copy = teacher.get(&copy_url).await;
    copy.assert_status(StatusCode::OK)
        .assert_contains("id=\"integrity\"")
        .assert_contains("2 faces seen for 6 s")
        .assert_contains("<td class=\"server-verdict\">2 faces (0.93, 0.88)</td>")
        .assert_contains("by proctor Test")
        .assert_contains("Sister in view");
    assert!(copy.body.find("id=\"integrity\"") < copy.body.find("copy-question"), "integrity comes before the answers");
    assert!(!copy.body.contains("/proctor/sessions/"));
    teacher.get(&format!("/proctor/sessions/{}", m.session_id)).await.assert_status(StatusCode::FORBIDDEN);

    let (admin, _) = app.login_as(Role::Admin).await;
    let evidence = format!("href=\"/proctor/sessions/{}#anomaly-{anomaly}\"", m.session_id);
    admin.get(&copy_url).await.assert_status(StatusCode::OK).assert_contains(&evidence);
    admin.get(&format!("/exams/{}/results", m.s.exam_id)).await.assert_contains(&evidence);
    let fr = teacher.get_with(&copy_url, &[("accept-language", "fr")]).await;
    fr.assert_contains("Intégrité").assert_contains("2 visages vus pendant 6 s");
}
