//! Batch analytics on the application database: each job's exact figures read back from its
//! Parquet files, idempotent re-runs, read-back into the admin page, "run now", failures.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::db::DbText;
use proctorwise_batch::columns::{f64s, i64s, strs};
use proctorwise_batch::parquet::{PART, read_output};
use proctorwise_batch::polars::prelude::DataFrame;
use proctorwise_batch::progress::Progress;
use proctorwise_batch::runs::{self, Trigger};
use proctorwise_batch::storage::{LocalStorage, Storage};
use proctorwise_batch::{Date, Job, JobReport, Month, Period, run_job};

use crate::batch_fixtures::{Attempt, Exam, Outcome, anomaly, attempt, exam, exam_with_id, session, user_with_id};
use crate::dual;
use crate::helpers::TestApp;

dual!(
    daily_job_counts_the_day_and_reruns_replace_it,
    an_empty_day_writes_empty_tables,
    an_empty_week_and_month_write_empty_tables,
    weekly_job_grades_questions_and_shows_difficulty,
    monthly_job_tiers_risk_and_at_risk_page,
    run_now_runs_in_the_background_and_is_listed,
    a_failed_run_is_recorded_with_its_reason,
);

const H: i64 = 3_600_000;
const DAY: Date = Date { year: 2026, month: 10, day: 5 };
const WEEK: Date = Date { year: 2026, month: 10, day: 4 };

fn graded<'a>(
    exam: &'a Exam,
    student_id: &'a str,
    submitted_at: i64,
    graded_at: Option<i64>,
    answers: &'a [(Option<i64>, Option<&'a str>)],
) -> Attempt<'a> {
    Attempt { exam, student_id, submitted_at, graded_at, answers }
}

fn storage(app: &TestApp) -> LocalStorage {
    LocalStorage::new(app.state.config.batch().output_dir.clone())
}

async fn run(app: &TestApp, job: Job, period: Period) -> JobReport {
    run_job(app.state.db.pool(), &storage(app), job, period, Trigger::Cli, &Progress::hidden()).await.expect("job runs")
}

async fn table(app: &TestApp, dir: &str) -> DataFrame {
    read_output(&storage(app), dir).await.expect("parquet output")
}

fn ints(df: &DataFrame, c: &str) -> Vec<i64> {
    i64s(df, c).expect("column").into_iter().map(|v| v.unwrap_or(-1)).collect()
}

fn texts(df: &DataFrame, c: &str) -> Vec<String> {
    strs(df, c).expect("column").into_iter().map(Option::unwrap_or_default).collect()
}

fn floats(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    f64s(df, c).expect("column").into_iter().map(|v| v.map(|x| (x * 1e6).round() / 1e6)).collect()
}

/// Exams e1–e3, students u1–u3; four anomalies that count on the day, false alarms that do not,
/// and anomalies just outside the day.
async fn daily_fixture(app: &TestApp) {
    user_with_id(app, "t1", "teacher").await;
    for u in ["u1", "u2", "u3"] {
        user_with_id(app, u, "student").await;
    }
    let mut exams = Vec::new();
    for e in ["e1", "e2", "e3"] {
        exams.push(exam_with_id(app, e, "t1", &[]).await);
    }
    let e1u1 = session(app, &exams[0], "u1", None).await;
    let e1u2 = session(app, &exams[0], "u2", None).await;
    let e2u1 = session(app, &exams[1], "u1", None).await;
    let e3u3 = session(app, &exams[2], "u3", None).await;
    let t = DAY.start_ms();
    use Outcome::{Counted, Dismissed, Rejected};
    anomaly(app, &e1u1, "face_absent", "critical", t + 1000, 500, Counted).await;
    anomaly(app, &e1u2, "tab_change", "medium", t + H, 1000, Counted).await;
    anomaly(app, &e2u1, "multiple_faces", "high", t + 23 * H, 900, Counted).await;
    anomaly(app, &e1u1, "forbidden_object", "critical", t + 59 * 60_000, 1000, Counted).await;
    // False alarms and the derived alert: not counted, as on the dashboard.
    anomaly(app, &e1u1, "multiple_faces", "critical", t + 2 * H, 700, Dismissed).await;
    anomaly(app, &e3u3, "forbidden_object", "high", t + 3 * H, 400, Rejected).await;
    anomaly(app, &e1u1, "high_risk_alert", "critical", t + 59 * 60_000, 1000, Counted).await;
    // Outside the day: the last millisecond before it and its end (exclusive).
    anomaly(app, &e1u1, "face_absent", "critical", t - 1, 100, Counted).await;
    anomaly(app, &e3u3, "face_absent", "critical", t + 24 * H, 100, Counted).await;
}

async fn daily_job_counts_the_day_and_reruns_replace_it(app: TestApp) {
    daily_fixture(&app).await;
    let report = run(&app, Job::DailyAnomalies, Period::Day(DAY)).await;
    assert_eq!((report.rows_read, report.rows_written), (4, 7));
    let by_exam = table(&app, "processed/anomaly_reports/2026/10/by_exam/05").await;
    assert_eq!(texts(&by_exam, "exam_id"), ["e1", "e2"]);
    assert_eq!(ints(&by_exam, "total_anomalies"), [3, 1]);
    assert_eq!(ints(&by_exam, "critical_count"), [2, 0]);
    assert_eq!(ints(&by_exam, "high_count"), [0, 1]);
    assert_eq!(ints(&by_exam, "tab_change_count"), [1, 0]);
    assert_eq!(floats(&by_exam, "avg_confidence"), [Some(0.833333), Some(0.9)]);
    assert_eq!(texts(&by_exam, "report_date"), ["2026-10-05", "2026-10-05"]);
    let by_user = table(&app, "processed/anomaly_reports/2026/10/by_user/05").await;
    assert_eq!(texts(&by_user, "user_id"), ["u1", "u2"]);
    assert_eq!(ints(&by_user, "total_anomalies"), [3, 1]);
    let hourly = table(&app, "processed/anomaly_reports/2026/10/hourly/05").await;
    assert_eq!(ints(&hourly, "hour"), [0, 1, 23]);
    assert_eq!(ints(&hourly, "anomaly_count"), [2, 1, 1]);

    // Same input, same output; exactly one file per folder, no duplicate rows.
    run(&app, Job::DailyAnomalies, Period::Day(DAY)).await;
    assert!(table(&app, "processed/anomaly_reports/2026/10/by_exam/05").await.equals_missing(&by_exam));
    let files = storage(&app).list("processed/anomaly_reports/2026/10/by_exam/05").await.expect("list");
    assert_eq!(files.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), [PART]);
    let siblings = storage(&app).list("processed/anomaly_reports/2026/10/by_exam").await.expect("list");
    assert_eq!(siblings.len(), 1, "no temporary folder left: {siblings:?}");

    // The window changed: the re-run replaces it.
    sqlx::query("DELETE FROM monitoring_anomalies WHERE exam_id = 'e2'")
        .execute(app.state.db.pool())
        .await
        .expect("delete");
    let report = run(&app, Job::DailyAnomalies, Period::Day(DAY)).await;
    assert_eq!(report.rows_read, 3);
    assert_eq!(texts(&table(&app, "processed/anomaly_reports/2026/10/by_exam/05").await, "exam_id"), ["e1"]);
    let history = runs::recent(app.state.db.pool(), 10).await.expect("runs");
    assert_eq!(history.len(), 3);
    assert!(history.iter().all(|r| r.status == "succeeded" && r.trigger == "cli" && r.finished_at.is_some()));
    assert_eq!(history[0].rows_read, 3);
}

async fn an_empty_day_writes_empty_tables(app: TestApp) {
    daily_fixture(&app).await;
    let report = run(&app, Job::DailyAnomalies, Period::Day(Date { year: 2026, month: 10, day: 7 })).await;
    assert_eq!((report.rows_read, report.rows_written), (0, 0));
    for kind in ["by_exam", "by_user", "hourly"] {
        let df = table(&app, &format!("processed/anomaly_reports/2026/10/{kind}/07")).await;
        assert_eq!(df.height(), 0, "{kind}");
        assert!(df.column("report_date").is_ok(), "{kind} keeps its columns");
    }
}

async fn an_empty_week_and_month_write_empty_tables(app: TestApp) {
    // Anomalies and attempts still in progress only: nothing graded, nothing submitted.
    daily_fixture(&app).await;
    let report = run(&app, Job::WeeklyGrades, Period::Week(WEEK)).await;
    assert_eq!((report.rows_read, report.rows_written), (0, 0));
    for t in ["exam_statistics", "question_difficulty", "daily_trends", "grading_efficiency"] {
        let df = table(&app, &format!("processed/grading_results/2026/week_39/{t}")).await;
        assert_eq!(df.height(), 0, "{t}");
    }
    let month = Month { year: 2026, month: 9 };
    let report = run(&app, Job::MonthlyUsers, Period::Month(month)).await;
    assert_eq!((report.rows_read, report.rows_written), (0, 0));
    for t in ["user_profiles", "top_performers", "at_risk_users", "most_improved", "tier_summary", "risk_summary"] {
        let df = table(&app, &format!("processed/user_performance/2026/09/{t}")).await;
        assert_eq!(df.height(), 0, "{t}");
        assert!(df.column("report_month").is_ok(), "{t} keeps its columns");
    }
    let (admin, _) = app.login_as(Role::Admin).await;
    admin.get("/admin/reports").await.assert_status(StatusCode::OK);
}

async fn weekly_job_grades_questions_and_shows_difficulty(app: TestApp) {
    let teacher = app.create_user(Role::Teacher, "t@example.test").await;
    let s1 = app.create_user(Role::Student, "s1@example.test").await;
    let s2 = app.create_user(Role::Student, "s2@example.test").await;
    let a = exam(&app, &teacher.id, &["mcq", "true_false", "short_answer", "essay"]).await;
    let b = exam(&app, &teacher.id, &["mcq", "mcq"]).await;
    let w = WEEK.start_ms();
    let tid = Some(teacher.id.as_str());
    attempt(
        &app,
        graded(
            &a,
            &s1.id,
            w + H,
            Some(w + H),
            &[(Some(100), None), (Some(100), None), (Some(100), None), (Some(100), tid)],
        ),
    )
    .await;
    attempt(
        &app,
        graded(
            &a,
            &s2.id,
            w + 25 * H,
            Some(w + 27 * H),
            &[(Some(100), None), (Some(0), None), (Some(100), None), (Some(0), tid)],
        ),
    )
    .await;
    // Still being graded, and one a week later: both left out.
    attempt(
        &app,
        graded(
            &a,
            &s2.id,
            w + 26 * H,
            Some(w + 26 * H),
            &[(Some(100), None), (Some(100), None), (Some(0), None), (None, None)],
        ),
    )
    .await;
    attempt(
        &app,
        graded(
            &a,
            &s1.id,
            w + 7 * 24 * H,
            Some(w + 7 * 24 * H),
            &[(Some(0), None), (Some(0), None), (Some(0), None), (Some(0), tid)],
        ),
    )
    .await;
    attempt(&app, graded(&b, &s1.id, w + 48 * H, Some(w + 48 * H), &[(Some(100), None), (Some(100), None)])).await;

    let report = run(&app, Job::WeeklyGrades, Period::Week(WEEK)).await;
    assert_eq!(report.rows_read, 3 + 10, "three graded attempts and their ten answers");
    let dir = |t: &str| format!("processed/grading_results/2026/week_39/{t}");
    let stats = table(&app, &dir("exam_statistics")).await;
    let row = texts(&stats, "exam_id").iter().position(|e| *e == a.id).expect("exam A");
    assert_eq!(ints(&stats, "total_submissions")[row], 2);
    assert_eq!(floats(&stats, "avg_score")[row], Some(75.0));
    assert_eq!(floats(&stats, "median_score")[row], Some(50.0));
    assert_eq!(floats(&stats, "q3_score")[row], Some(100.0));
    assert_eq!((ints(&stats, "passed_count")[row], ints(&stats, "failed_count")[row]), (1, 1));
    assert_eq!(floats(&stats, "pass_rate")[row], Some(50.0));
    let eff = table(&app, &dir("grading_efficiency")).await;
    assert_eq!(texts(&eff, "graded_by"), ["auto", "mixed"]);
    assert_eq!(ints(&eff, "graded_count"), [1, 2]);
    assert_eq!(floats(&eff, "max_grading_time_hours"), [Some(0.0), Some(2.0)]);
    let trends = table(&app, &dir("daily_trends")).await;
    assert_eq!(texts(&trends, "submission_date"), ["2026-10-04", "2026-10-05", "2026-10-06"]);
    assert_eq!(floats(&trends, "avg_score"), [Some(100.0), Some(50.0), Some(100.0)]);
    let difficulty = table(&app, &dir("question_difficulty")).await;
    assert_eq!(difficulty.height(), 6);
    let mut levels = texts(&difficulty, "difficulty");
    levels.sort();
    assert_eq!(levels, ["easy", "easy", "easy", "easy", "medium", "medium"]);

    run(&app, Job::WeeklyGrades, Period::Week(WEEK)).await;
    let loaded: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT total_attempts, correct_rate_hundredths FROM batch_question_difficulty WHERE week_start = '2026-10-04' \
         ORDER BY correct_rate_hundredths, total_attempts",
    )
    .fetch_all(app.state.db.pool())
    .await
    .expect("read-back");
    assert_eq!(
        loaded,
        [(2, 5000), (2, 5000), (1, 10000), (1, 10000), (2, 10000), (2, 10000)],
        "no duplicates after a re-run"
    );
    let (admin, _) = app.login_as(Role::Admin).await;
    let page = admin.get("/admin/reports").await;
    page.assert_status(StatusCode::OK).assert_contains("Week starting").assert_contains("2026-10-04");
    page.assert_contains(&a.questions[1]).assert_contains("difficulty-medium").assert_contains("50.00 %");
}

async fn monthly_job_tiers_risk_and_at_risk_page(app: TestApp) {
    let teacher = app.create_user(Role::Teacher, "t@example.test").await;
    let mut students = Vec::new();
    for name in ["Ada Excellent", "Bo Struggling", "Cy Good"] {
        let s = app.create_user(Role::Student, &format!("{}@example.test", name.replace(' ', "."))).await;
        sqlx::query("UPDATE users SET name = ? WHERE id = ?")
            .bind(name)
            .bind(&s.id)
            .execute(app.state.db.pool())
            .await
            .expect("name");
        students.push(s);
    }
    let e = exam(&app, &teacher.id, &["mcq", "mcq", "mcq", "mcq", "mcq"]).await;
    let start = Month { year: 2026, month: 10 }.window().start_ms;
    let mut sessions = Vec::new();
    for (s, scores) in students.iter().zip([[100, 100, 100, 100, 75], [100, 100, 0, 0, 0], [100, 100, 100, 100, 0]]) {
        let answers: Vec<(Option<i64>, Option<&str>)> = scores.iter().map(|v| (Some(*v), None)).collect();
        let attempt_id = attempt(
            &app,
            Attempt {
                exam: &e,
                student_id: &s.id,
                submitted_at: start + 2 * H,
                graded_at: Some(start + 3 * H),
                answers: &answers,
            },
        )
        .await;
        sessions.push(session(&app, &e, &s.id, Some(&attempt_id)).await);
    }
    use Outcome::{Counted, Dismissed, Rejected};
    for i in 0..5 {
        anomaly(&app, &sessions[1], "face_absent", "critical", start + i * H, 800, Counted).await;
    }
    for i in 0..2 {
        anomaly(&app, &sessions[2], "tab_change", "critical", start + i * H, 800, Counted).await;
    }
    // False alarms would make Cy high risk and Ada medium if they counted.
    for i in 0..3 {
        anomaly(&app, &sessions[2], "multiple_faces", "critical", start + 5 * H + i, 300, Dismissed).await;
        anomaly(&app, &sessions[0], "forbidden_object", "critical", start + 5 * H + i, 300, Rejected).await;
    }
    // November: not this month.
    for i in 0..5 {
        anomaly(&app, &sessions[2], "tab_change", "critical", start + 31 * 24 * H + i, 1000, Counted).await;
    }
    let month = Month { year: 2026, month: 10 };
    let report = run(&app, Job::MonthlyUsers, Period::Month(month)).await;
    assert_eq!(report.rows_read, 3 + 7);
    let profiles = table(&app, "processed/user_performance/2026/10/user_profiles").await;
    let ids: Vec<String> = students.iter().map(|s| s.id.clone()).collect();
    assert_eq!(texts(&profiles, "user_id"), [ids[0].clone(), ids[2].clone(), ids[1].clone()], "best score first");
    assert_eq!(floats(&profiles, "avg_score"), [Some(95.0), Some(80.0), Some(40.0)]);
    assert_eq!(texts(&profiles, "performance_tier"), ["excellent", "good", "needs_improvement"]);
    assert_eq!(texts(&profiles, "risk_level"), ["low", "medium", "high"]);
    let at_risk = table(&app, "processed/user_performance/2026/10/at_risk_users").await;
    assert_eq!(texts(&at_risk, "user_id"), [ids[1].clone()]);

    run(&app, Job::MonthlyUsers, Period::Month(month)).await;
    let rows: Vec<(DbText, DbText, i64)> = sqlx::query_as(
        "SELECT dimension, value, users FROM batch_monthly_summary WHERE report_month = '2026-10' ORDER BY dimension, value",
    )
    .fetch_all(app.state.db.pool())
    .await
    .expect("summary");
    let summary: Vec<(String, i64)> = rows.into_iter().map(|(d, v, n)| (format!("{}:{}", d.0, v.0), n)).collect();
    let expected = ["risk:high", "risk:low", "risk:medium", "tier:excellent", "tier:good", "tier:needs_improvement"];
    assert_eq!(summary, expected.iter().map(|k| ((*k).to_owned(), 1)).collect::<Vec<_>>());
    let (admin, _) = app.login_as(Role::Admin).await;
    let page = admin.get("/admin/reports").await;
    page.assert_status(StatusCode::OK).assert_contains("2026-10").assert_contains("Bo Struggling");
    page.assert_contains("summary-tier-excellent").assert_contains("Needs improvement").assert_contains("40.00 %");
    assert!(!page.body.contains("Ada Excellent"), "only students at risk are listed");
}

async fn run_now_runs_in_the_background_and_is_listed(app: TestApp) {
    daily_fixture(&app).await;
    let (admin, _) = app.login_as(Role::Admin).await;
    let res = admin.post_form("/admin/reports/run", &[("job", "daily-anomalies"), ("period", "2026-10-05")]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/admin/reports?started=daily-anomalies");
    let mut history = Vec::new();
    for _ in 0..200 {
        history = runs::recent(app.state.db.pool(), 5).await.expect("runs");
        if history.iter().all(|r| r.status != "running") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].status.as_str(), history[0].trigger.as_str(), history[0].rows_read),
        ("succeeded", "manual", 4)
    );
    let page = admin.get("/admin/reports?started=daily-anomalies").await;
    page.assert_contains("Job started").assert_contains("run-succeeded").assert_contains("2026-10-05");
    admin
        .post_form("/admin/reports/run", &[("job", "weekly-grades"), ("period", "2026-13-01")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    admin.post_form("/admin/reports/run", &[("job", "rm -rf")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // A run still in progress blocks a second one of the same job.
    runs::start(app.state.db.pool(), Job::MonthlyUsers, "2026-09", Trigger::Schedule).await.expect("start");
    admin.post_form("/admin/reports/run", &[("job", "monthly-users")]).await.assert_status(StatusCode::CONFLICT);
}

async fn a_failed_run_is_recorded_with_its_reason(app: TestApp) {
    daily_fixture(&app).await;
    let blocker = app.state.config.data_dir.join("not-a-folder");
    std::fs::write(&blocker, b"file").expect("file");
    let bad = LocalStorage::new(blocker.join("batch"));
    let err =
        run_job(app.state.db.pool(), &bad, Job::DailyAnomalies, Period::Day(DAY), Trigger::Cli, &Progress::hidden())
            .await
            .expect_err("cannot write");
    assert!(format!("{err:#}").contains("not-a-folder"), "{err:#}");
    let history = runs::recent(app.state.db.pool(), 5).await.expect("runs");
    assert_eq!(history[0].status, "failed");
    assert!(history[0].error.as_deref().unwrap_or_default().contains("not-a-folder"));
    let (admin, _) = app.login_as(Role::Admin).await;
    admin.get("/admin/reports").await.assert_contains("run-failed").assert_contains("not-a-folder");
}
