//! Job 3, monthly user performance (the prototype's `monthly_user_performance.py`): a profile
//! per student who submitted in the month (scores, tier, anomalies, risk), rankings and
//! summaries. Unlike the prototype, first and last exams follow submission time (then attempt
//! id), so they are deterministic.

use polars::prelude::*;

use super::exprs::{count_eq, count_int_eq, count_rows, day_of, percent, score_quantile, sort_opts};
use super::weekly::with_percentage;
use crate::window::Month;

/// How many students the top lists keep.
pub const TOP: u32 = 100;

/// Anomaly count columns of a profile (0 for students without anomalies).
const ANOMALY_COUNTS: &[&str] = &[
    "total_anomalies",
    "critical_anomalies",
    "high_anomalies",
    "medium_anomalies",
    "low_anomalies",
    "face_absent_count",
    "multiple_faces_count",
    "forbidden_object_count",
    "tab_change_count",
];

/// Output tables: (folder name, plan).
pub fn outputs(submissions: LazyFrame, anomalies: LazyFrame, month: Month) -> Vec<(&'static str, LazyFrame)> {
    let profiles = user_profiles(submissions, anomalies, month).cache();
    vec![
        ("user_profiles", profiles.clone()),
        ("top_performers", top_performers(profiles.clone())),
        ("at_risk_users", at_risk_users(profiles.clone())),
        ("most_improved", most_improved(profiles.clone())),
        ("tier_summary", summary(profiles.clone(), "performance_tier")),
        ("risk_summary", summary(profiles, "risk_level")),
    ]
}

/// Per student: exams, scores, passes, first and last exam, improvement, tier.
pub fn performance(submissions: LazyFrame) -> LazyFrame {
    let by_time = || [col("submitted_at"), col("attempt_id")];
    let avg = col("avg_score");
    let tier = when(avg.clone().gt_eq(lit(90.0)))
        .then(lit("excellent"))
        .when(avg.clone().gt_eq(lit(75.0)))
        .then(lit("good"))
        .when(avg.gt_eq(lit(60.0)))
        .then(lit("average"))
        .otherwise(lit("needs_improvement"));
    with_percentage(submissions)
        .group_by([col("user_id")])
        .agg([
            count_rows("total_exams"),
            col("percentage").mean().alias("avg_score"),
            col("percentage").std(1).alias("score_consistency"),
            col("percentage").min().alias("min_score"),
            col("percentage").max().alias("max_score"),
            score_quantile("percentage", 0.5, "median_score"),
            count_int_eq("passed", 1, "exams_passed"),
            count_int_eq("passed", 0, "exams_failed"),
            col("percentage").sort_by(by_time(), sort_opts(&[false, false])).first().alias("first_exam_score"),
            col("percentage").sort_by(by_time(), sort_opts(&[false, false])).last().alias("last_exam_score"),
            day_of(col("submitted_at").min()).alias("first_exam_date"),
            day_of(col("submitted_at").max()).alias("last_exam_date"),
            col("exam_id").n_unique().cast(DataType::Int64).alias("unique_exams"),
        ])
        .with_columns([
            percent(col("exams_passed"), col("total_exams")).alias("pass_rate"),
            (col("last_exam_score") - col("first_exam_score")).alias("score_improvement"),
            tier.alias("performance_tier"),
        ])
}

/// Per student: anomalies by severity and kind, mean confidence.
pub fn anomaly_profile(anomalies: LazyFrame) -> LazyFrame {
    anomalies.group_by([col("user_id")]).agg([
        count_rows("total_anomalies"),
        count_eq("severity", "critical", "critical_anomalies"),
        count_eq("severity", "high", "high_anomalies"),
        count_eq("severity", "medium", "medium_anomalies"),
        count_eq("severity", "low", "low_anomalies"),
        count_eq("kind", "face_absent", "face_absent_count"),
        count_eq("kind", "multiple_faces", "multiple_faces_count"),
        count_eq("kind", "forbidden_object", "forbidden_object_count"),
        count_eq("kind", "tab_change", "tab_change_count"),
        col("confidence").mean().alias("avg_anomaly_confidence"),
    ])
}

/// Risk: high with ≥ 5 critical anomalies, medium with ≥ 2 critical or ≥ 10 anomalies, else low.
pub fn risk_level() -> Expr {
    when(col("critical_anomalies").gt_eq(lit(5i64)))
        .then(lit("high"))
        .when(col("critical_anomalies").gt_eq(lit(2i64)).or(col("total_anomalies").gt_eq(lit(10i64))))
        .then(lit("medium"))
        .otherwise(lit("low"))
}

/// Performance joined with anomalies (missing counts are 0), risk, month and both rankings:
/// `score_rank` by mean score (best first), `improvement_rank` by improvement (most first),
/// ties by user id, students without a score last.
pub fn user_profiles(submissions: LazyFrame, anomalies: LazyFrame, month: Month) -> LazyFrame {
    let fill: Vec<Expr> = ANOMALY_COUNTS.iter().map(|c| col(*c).fill_null(lit(0i64))).collect();
    performance(submissions)
        .join(anomaly_profile(anomalies), [col("user_id")], [col("user_id")], JoinArgs::new(JoinType::Left))
        .with_columns(fill)
        .with_columns([risk_level().alias("risk_level"), lit(month.to_string()).alias("report_month")])
        .sort_by_exprs([col("avg_score"), col("user_id")], sort_opts(&[true, false]))
        .with_row_index("score_rank", Some(1))
        .sort_by_exprs([col("score_improvement"), col("user_id")], sort_opts(&[true, false]))
        .with_row_index("improvement_rank", Some(1))
        .sort_by_exprs([col("score_rank")], sort_opts(&[false]))
}

/// The best mean scores (at most [`TOP`]).
pub fn top_performers(profiles: LazyFrame) -> LazyFrame {
    profiles.filter(col("score_rank").lt_eq(lit(TOP)))
}

/// Students with a high risk or who need improvement, lowest score first.
pub fn at_risk_users(profiles: LazyFrame) -> LazyFrame {
    profiles
        .filter(col("risk_level").eq(lit("high")).or(col("performance_tier").eq(lit("needs_improvement"))))
        .sort_by_exprs([col("score_rank")], sort_opts(&[true]))
}

/// The largest improvements (at most [`TOP`]).
pub fn most_improved(profiles: LazyFrame) -> LazyFrame {
    profiles
        .filter(col("improvement_rank").lt_eq(lit(TOP)))
        .sort_by_exprs([col("improvement_rank")], sort_opts(&[false]))
}

/// Students per value of `column` (`performance_tier` or `risk_level`).
pub fn summary(profiles: LazyFrame, column: &str) -> LazyFrame {
    profiles
        .group_by([col(column), col("report_month")])
        .agg([count_rows("users")])
        .sort_by_exprs([col(column)], sort_opts(&[false]))
}

#[cfg(test)]
#[path = "monthly_tests.rs"]
mod tests;
