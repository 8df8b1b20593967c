use super::*;
use crate::jobs::testing::{frame_f64, frame_i64, frame_str};

const D: i64 = 86_400_000;

fn month() -> Month {
    Month { year: 2026, month: 10 }
}

/// u1: 95 % then 85 % (same instant, attempt id decides: a1 first); u2: 50 %, then ungraded,
/// then 80 %; u3: 75 %; u4: only an ungraded attempt.
fn submissions() -> LazyFrame {
    let t = month().window().start_ms;
    df!(
        "attempt_id" => ["a2", "a1", "b1", "b2", "b3", "c1", "d1"],
        "user_id" => ["u1", "u1", "u2", "u2", "u2", "u3", "u4"],
        "exam_id" => ["e1", "e2", "e1", "e2", "e2", "e1", "e1"],
        "submitted_at" => [t + D, t + D, t, t + 2 * D, t + 3 * D, t + 5 * D, t + 9 * D],
        "graded_at" => [Some(t + D), Some(t + D), Some(t), None, Some(t + 3 * D), Some(t + 5 * D), None],
        "score_hundredths" => [Some(850i64), Some(950), Some(500), None, Some(800), Some(750), None],
        "max_score_hundredths" => [1000i64; 7],
        "passed" => [Some(1i64), Some(1), Some(0), None, Some(1), Some(1), None],
        "graded_by" => ["auto"; 7],
    )
    .expect("submissions")
    .lazy()
}

/// u1: 5 critical (high risk); u2: 2 critical (medium); u3: 10 low (medium); u9: no exam.
fn anomalies() -> LazyFrame {
    let mut users = Vec::new();
    let mut severity = Vec::new();
    for (u, s, n) in
        [("u1", "critical", 5), ("u2", "critical", 2), ("u2", "high", 1), ("u3", "low", 10), ("u9", "critical", 9)]
    {
        for _ in 0..n {
            users.push(u);
            severity.push(s);
        }
    }
    let n = users.len();
    df!(
        "exam_id" => vec!["e1"; n],
        "user_id" => users,
        "kind" => vec!["face_absent"; n],
        "severity" => severity,
        "detected_at" => vec![month().window().start_ms; n],
        "confidence" => vec![Some(0.5f64); n],
    )
    .expect("anomalies")
    .lazy()
}

fn profiles() -> DataFrame {
    user_profiles(submissions(), anomalies(), month()).collect().expect("runs")
}

#[test]
fn profiles_have_tiers_risk_and_deterministic_first_and_last_exams() {
    let p = profiles();
    assert_eq!(frame_str(&p, "user_id"), ["u1", "u3", "u2", "u4"], "ordered by score rank");
    assert_eq!(frame_i64(&p, "score_rank"), [1, 2, 3, 4]);
    assert_eq!(frame_i64(&p, "total_exams"), [2, 1, 3, 1]);
    assert_eq!(frame_f64(&p, "avg_score"), [Some(90.0), Some(75.0), Some(65.0), None]);
    assert_eq!(frame_str(&p, "performance_tier"), ["excellent", "good", "average", "needs_improvement"]);
    assert_eq!(frame_str(&p, "risk_level"), ["high", "medium", "medium", "low"]);
    assert_eq!(frame_i64(&p, "total_anomalies"), [5, 10, 3, 0], "no anomalies → 0, not NULL");
    assert_eq!(frame_i64(&p, "critical_anomalies"), [5, 0, 2, 0]);
    // u1's two exams share a timestamp: attempt a1 (95 %) comes first, a2 (85 %) last.
    assert_eq!(frame_f64(&p, "first_exam_score"), [Some(95.0), Some(75.0), Some(50.0), None]);
    assert_eq!(frame_f64(&p, "last_exam_score"), [Some(85.0), Some(75.0), Some(80.0), None]);
    assert_eq!(frame_f64(&p, "score_improvement"), [Some(-10.0), Some(0.0), Some(30.0), None]);
    assert_eq!(frame_str(&p, "first_exam_date"), ["2026-10-02", "2026-10-06", "2026-10-01", "2026-10-10"]);
    assert_eq!(frame_str(&p, "last_exam_date")[2], "2026-10-04");
    assert_eq!(frame_i64(&p, "exams_passed"), [2, 1, 1, 0]);
    assert_eq!(frame_i64(&p, "exams_failed"), [0, 0, 1, 0], "ungraded exams are neither");
    assert_eq!(frame_i64(&p, "unique_exams"), [2, 1, 2, 1]);
    assert_eq!(frame_str(&p, "report_month"), ["2026-10"; 4]);
    // Improvement ranks: u2 (+30), u3 (0), u1 (−10), u4 (none).
    assert_eq!(frame_i64(&p, "improvement_rank"), [3, 2, 1, 4]);
}

#[test]
fn derived_tables() {
    let run = |lf: LazyFrame| lf.collect().expect("runs");
    let plans = outputs(submissions(), anomalies(), month());
    let names: Vec<_> = plans.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        ["user_profiles", "top_performers", "at_risk_users", "most_improved", "tier_summary", "risk_summary"]
    );
    let at_risk = run(plans[2].1.clone());
    assert_eq!(frame_str(&at_risk, "user_id"), ["u4", "u1"], "needs_improvement or high risk, worst first");
    let improved = run(plans[3].1.clone());
    assert_eq!(frame_str(&improved, "user_id"), ["u2", "u3", "u1", "u4"]);
    let tiers = run(plans[4].1.clone());
    assert_eq!(frame_str(&tiers, "performance_tier"), ["average", "excellent", "good", "needs_improvement"]);
    assert_eq!(frame_i64(&tiers, "users"), [1, 1, 1, 1]);
    let risks = run(plans[5].1.clone());
    assert_eq!(frame_str(&risks, "risk_level"), ["high", "low", "medium"]);
    assert_eq!(frame_i64(&risks, "users"), [1, 1, 2]);
    assert_eq!(frame_str(&risks, "report_month"), ["2026-10"; 3]);
}

#[test]
fn risk_thresholds() {
    let df = df!(
        "critical_anomalies" => [5i64, 4, 2, 1, 0, 0],
        "total_anomalies" => [5i64, 4, 2, 9, 10, 0],
    )
    .expect("frame");
    let out = df.lazy().select([risk_level().alias("r")]).collect().expect("runs");
    assert_eq!(frame_str(&out, "r"), ["high", "medium", "medium", "low", "medium", "low"]);
}

#[test]
fn top_lists_keep_one_hundred() {
    let n = 150usize;
    let ids: Vec<String> = (0..n).map(|i| format!("a{i:03}")).collect();
    let users: Vec<String> = (0..n).map(|i| format!("u{i:03}")).collect();
    let scores: Vec<i64> = (0..n as i64).map(|i| i * 5).collect();
    let subs = df!(
        "attempt_id" => ids,
        "user_id" => users,
        "exam_id" => vec!["e1"; n],
        "submitted_at" => vec![month().window().start_ms; n],
        "graded_at" => vec![Some(month().window().start_ms); n],
        "score_hundredths" => scores,
        "max_score_hundredths" => vec![1000i64; n],
        "passed" => vec![1i64; n],
        "graded_by" => vec!["auto"; n],
    )
    .expect("frame")
    .lazy();
    let plans = outputs(subs, anomalies().filter(lit(false)), month());
    let top = plans[1].1.clone().collect().expect("runs");
    assert_eq!(top.height(), 100);
    assert_eq!(frame_str(&top, "user_id")[0], "u149");
    assert_eq!(plans[3].1.clone().collect().expect("runs").height(), 100);
}

#[test]
fn equal_scores_rank_by_user_id() {
    let t = month().window().start_ms;
    let subs = df!(
        "attempt_id" => ["a1", "a2", "a3"],
        "user_id" => ["u3", "u1", "u2"],
        "exam_id" => ["e1"; 3],
        "submitted_at" => [t; 3],
        "graded_at" => [Some(t); 3],
        "score_hundredths" => [700i64, 700, 900],
        "max_score_hundredths" => [1000i64; 3],
        "passed" => [1i64; 3],
        "graded_by" => ["auto"; 3],
    )
    .expect("frame")
    .lazy();
    let plans = outputs(subs, anomalies().filter(lit(false)), month());
    let top = plans[1].1.clone().collect().expect("runs");
    assert_eq!(frame_str(&top, "user_id"), ["u2", "u1", "u3"], "u1 and u3 tie: the smaller id ranks first");
    assert_eq!(frame_i64(&top, "score_rank"), [1, 2, 3]);
}
