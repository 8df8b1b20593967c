//! Metric definitions on the fixed fixture, exact numbers, on both databases; and the empty
//! cases (no submission: zeros, "no data" texts, no division by zero).

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::analytics::platform;
use proctorwise::analytics::reports as report;
use proctorwise::analytics::reports::stats::Difficulty;
use proctorwise::db::now_ms;
use proctorwise::exams::model::ReleaseMode;
use proctorwise::exams::queries as exams;
use proctorwise::exams::questions::queries as question_queries;

use super::fixture::{self, Analytics};
use crate::dual;
use crate::helpers::TestApp;

dual!(
    exam_figures_are_exact,
    item_analysis_is_exact,
    item_analysis_keeps_deleted_questions_copies_answered,
    user_figures_are_exact,
    dashboard_figures_are_exact,
    empty_platform_has_zeros_and_says_so,
    exam_without_submissions_has_zeros,
    student_sees_only_released_scores,
);

async fn exam_figures_are_exact(app: TestApp) {
    let w = Analytics::new(&app).await;
    let exam = exams::get_exam(&app.state.db, &w.exam_id).await.expect("read").expect("exam");
    let r = report::exam_report(&app.state.db, &exam).await.expect("report");
    assert_eq!((r.submissions, r.pending), (5, 1));
    let s = &r.summary;
    assert_eq!(s.count, 4);
    // Scores 12.5, 37.5, 62.5, 87.5.
    assert_eq!((s.mean, s.median, s.min, s.max), (50.0, 50.0, 12.5, 87.5));
    assert_eq!((s.q1, s.q3), (31.25, 68.75));
    assert!((s.std_dev - 27.950_849_718_747_37).abs() < 1e-9, "{}", s.std_dev);
    assert_eq!((s.passed, s.pass_rate), (2, 50.0));
    assert_eq!(s.distribution, [1, 1, 0, 1, 1]);
    assert_eq!(r.teacher_name, w.teacher.name);
    assert!(r.anomalies.is_empty(), "no monitoring session in this fixture");
}

async fn item_analysis_is_exact(app: TestApp) {
    let w = Analytics::new(&app).await;
    let exam = exams::get_exam(&app.state.db, &w.exam_id).await.expect("read").expect("exam");
    let r = report::exam_report(&app.state.db, &exam).await.expect("report");
    let got: Vec<_> = r
        .items
        .iter()
        .map(|i| {
            (
                i.question.position,
                i.stats.attempts,
                i.stats.correct,
                i.stats.difficulty,
                i.stats.discrimination,
                i.stats.average_hundredths,
            )
        })
        .collect();
    // Four copies: the upper and lower 27 % groups are one copy each (87.5 % and 12.5 %).
    assert_eq!(
        got,
        [
            (1, 4, 2, Difficulty::Medium, Some(1.0), 100.0),
            (2, 4, 3, Difficulty::Medium, Some(1.0), 75.0),
            (3, 4, 2, Difficulty::Medium, Some(-1.0), 50.0),
            (4, 4, 1, Difficulty::Hard, Some(1.0), 175.0),
        ]
    );
    let flagged: Vec<i64> = r.items.iter().filter(|i| i.stats.flagged()).map(|i| i.question.position).collect();
    assert_eq!(flagged, [3]);

    let (teacher, _) = (app.client(), ());
    teacher.login(&w.teacher.email, crate::helpers::PASSWORD).await;
    let page = teacher.get(&format!("/analytics/exams/{}", w.exam_id)).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Negative discrimination")
        .assert_contains("Q3")
        .assert_contains("-1.00")
        .assert_contains("+1.00")
        .assert_contains(r#"id="chart-distribution""#)
        .assert_contains("50.0\u{a0}%");
    // The exam's results page leads to it.
    teacher
        .get(&format!("/exams/{}/results", w.exam_id))
        .await
        .assert_contains(&format!(r#"href="/analytics/exams/{}""#, w.exam_id));
    // The page leads with its chart.
    let chart_at = page.body.find("chart-distribution").expect("chart");
    let table_at = page.body.find("Item analysis").expect("items");
    assert!(chart_at < table_at);
}

/// A deleted question that copies answered stays in the item analysis, after the live ones; one
/// nobody answered does not.
async fn item_analysis_keeps_deleted_questions_copies_answered(app: TestApp) {
    let w = Analytics::new(&app).await;
    let db = &app.state.db;
    let live = question_queries::list_for_exam(db, &w.exam_id).await.expect("questions");
    let ids: Vec<String> = live.iter().map(|q| q.id.clone()).collect();
    let draft = crate::fixtures::sample_questions()[0].validate().expect("valid");
    let unanswered = question_queries::insert(db, &w.exam_id, &draft).await.expect("insert");
    for id in [&ids[1], &unanswered] {
        assert!(question_queries::delete(db, &w.exam_id, id).await.expect("delete"));
    }
    let exam = exams::get_exam(db, &w.exam_id).await.expect("read").expect("exam");
    let r = report::exam_report(db, &exam).await.expect("report");
    let got: Vec<_> = r.items.iter().map(|i| (i.question.id.as_str(), i.question.position, i.stats.correct)).collect();
    // Live questions renumbered 1..3, then the deleted one (position 0) with its figures kept.
    assert_eq!(
        got,
        [(ids[0].as_str(), 1, 2), (ids[2].as_str(), 2, 2), (ids[3].as_str(), 3, 1), (ids[1].as_str(), 0, 3)]
    );
}

async fn user_figures_are_exact(app: TestApp) {
    let w = Analytics::new(&app).await;
    let db = &app.state.db;
    // s1 sits two more exams: 100 % and 50 %.
    let (e2, q2) = fixture::exam(&app, &w.teacher, "Second", ReleaseMode::Immediate).await;
    let (e3, q3) = fixture::exam(&app, &w.teacher, "Third", ReleaseMode::Immediate).await;
    fixture::submit(db, &e2, &q2, &w.students[0], Some([200, 100, 100, 400]), now_ms() - 5_000).await;
    fixture::submit(db, &e3, &q3, &w.students[0], Some([200, 100, 100, 0]), now_ms() - 4_000).await;
    let r = report::user_report(db, &w.students[0], false).await.expect("report");
    assert_eq!(r.history.len(), 3);
    let s = &r.summary;
    assert_eq!((s.count, s.passed, s.pass_rate), (3, 2, 200.0 / 3.0));
    assert_eq!((s.mean, s.min, s.max, s.median), (237.5 / 3.0, 50.0, 100.0, 87.5));
    // By kind, points pooled: mcq 600/600, true_false 300/300, short 200/300, essay 800/1200.
    let kinds: Vec<(&str, usize, f64)> = r.kinds.iter().map(|k| (k.kind.as_str(), k.answers, k.rate)).collect();
    assert_eq!(
        kinds,
        [("mcq", 3, 100.0), ("true_false", 3, 100.0), ("essay", 3, 800.0 / 12.0), ("short_answer", 3, 200.0 / 3.0)]
    );
    assert_eq!(r.strongest().len(), 3);
    assert!(r.weakest().is_empty());
    // The trend follows submission order.
    let trend: Vec<Option<i64>> = r.history.iter().map(|h| h.score_hundredths).collect();
    assert_eq!(trend, [Some(700), Some(800), Some(400)]);
}

async fn dashboard_figures_are_exact(app: TestApp) {
    let w = Analytics::new(&app).await;
    let db = &app.state.db;
    for (title, scores) in [("Second", [200, 100, 100, 400]), ("Third", [0, 0, 0, 0])] {
        let (e, q) = fixture::exam(&app, &w.teacher, title, ReleaseMode::Immediate).await;
        fixture::submit(db, &e, &q, &w.students[0], Some(scores), now_ms() - 2_000).await;
        fixture::submit(db, &e, &q, &w.students[2], Some(scores), now_ms() - 1_000).await;
    }
    // The fixtures submit up to ten minutes before now: just after midnight (UTC) some would fall
    // on the day before. Move the clock, and every submission with it, so that all are today.
    let now = now_ms();
    let at = now.max(now - now.rem_euclid(86_400_000) + 15 * 60_000);
    sqlx::query("UPDATE attempts SET submitted_at = submitted_at + ? WHERE submitted_at IS NOT NULL")
        .bind(at - now)
        .execute(db.pool())
        .await
        .expect("shift the submissions");
    let d = platform::dashboard(db, at).await.expect("dashboard");
    assert_eq!(d.submissions_total, 9);
    assert_eq!(d.submissions_today, 9);
    assert_eq!(d.exams_today, 3);
    assert_eq!(d.published_exams, 3);
    assert_eq!(d.per_day.len(), 30);
    assert_eq!(d.per_day.last().map(|p| p.1), Some(9));
    assert_eq!(d.per_day.iter().map(|p| p.1).sum::<i64>(), 9);
    // Graded: the fixture's four plus four: 100, 0 for s1 and s3 each.
    assert_eq!(d.distribution, [3, 1, 0, 1, 3]);
    // s1: 87.5, 100, 0 → 62.5; s3: 37.5, 100, 0 → 45.83; nobody else has three.
    let top: Vec<(&str, usize)> = d.top.iter().map(|p| (p.name.as_str(), p.exams)).collect();
    assert_eq!(top, [("Student 1", 3), ("Student 3", 3)]);
    assert_eq!(d.top[0].average, 62.5);
    assert_eq!(d.recent.len(), 9);
    assert_eq!(d.recent[0].exam_title, "Third");
    assert_eq!((d.sessions.total, d.anomalies_per_attempt, d.monitoring), (0, 0.0, true));

    let (admin, _) = app.login_as(Role::Admin).await;
    let page = admin.get("/admin").await;
    page.assert_status(StatusCode::OK)
        .assert_contains(r#"hx-get="/admin/parts/dashboard""#)
        .assert_contains(r#"hx-trigger="every 30s""#)
        .assert_contains(r#"id="chart-per-day""#)
        .assert_contains("Student 1")
        .assert_contains("Algèbre — Été")
        .assert_contains("No anomaly recorded.");
    let part = admin.get_with("/admin/parts/dashboard", &[("hx-request", "true")]).await;
    part.assert_status(StatusCode::OK).assert_contains(r#"id="dashboard""#);
    assert!(!part.body.contains("<html"), "the refresh is a fragment");
}

async fn empty_platform_has_zeros_and_says_so(app: TestApp) {
    let d = platform::dashboard(&app.state.db, now_ms()).await.expect("dashboard");
    assert_eq!((d.submissions_total, d.submissions_today, d.distribution), (0, 0, [0; 5]));
    assert_eq!(d.anomalies_per_attempt, 0.0);
    assert!(d.top.is_empty() && d.recent.is_empty());
    let (admin, _) = app.login_as(Role::Admin).await;
    admin
        .get("/admin")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("No data yet.")
        .assert_contains("Not enough data")
        .assert_contains("No submission yet.");
    let fr = admin.get_with("/admin", &[("accept-language", "fr")]).await;
    fr.assert_status(StatusCode::OK);
    let p = platform::platform_report(&app.state.db, 0, 86_400_000, now_ms()).await.expect("report");
    assert_eq!((p.submissions, p.summary.count, p.per_day.len()), (0, 0, 1));
}

async fn exam_without_submissions_has_zeros(app: TestApp) {
    let (teacher, user) = app.login_as(Role::Teacher).await;
    let (exam_id, _) = fixture::exam(&app, &user, "Empty", ReleaseMode::Immediate).await;
    let exam = exams::get_exam(&app.state.db, &exam_id).await.expect("read").expect("exam");
    let r = report::exam_report(&app.state.db, &exam).await.expect("report");
    assert_eq!((r.submissions, r.summary.count, r.summary.pass_rate), (0, 0, 0.0));
    assert!(r.items.iter().all(|i| i.stats.attempts == 0 && i.stats.discrimination.is_none()));
    teacher
        .get(&format!("/analytics/exams/{exam_id}"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("No graded copy yet")
        .assert_contains("No data yet.");
}

async fn student_sees_only_released_scores(app: TestApp) {
    let w = Analytics::new(&app).await;
    let db = &app.state.db;
    let (e, q) = fixture::exam(&app, &w.teacher, "Held back", ReleaseMode::Manual).await;
    fixture::submit(db, &e, &q, &w.students[0], Some([0, 0, 0, 0]), now_ms() - 1_000).await;
    let own = report::user_report(db, &w.students[0], true).await.expect("report");
    assert_eq!(own.history.len(), 2);
    assert_eq!(own.summary.count, 1, "the unreleased 0 % is not counted");
    assert_eq!(own.history[1].score_hundredths, None);
    let admin_view = report::user_report(db, &w.students[0], false).await.expect("report");
    assert_eq!(admin_view.summary.count, 2);
}
