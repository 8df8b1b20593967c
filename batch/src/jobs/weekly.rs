//! Job 2, weekly grade analytics (the prototype's `weekly_grade_analytics.py`): per-exam score
//! statistics, question difficulty, daily trends and grading turnaround of the graded attempts
//! submitted in the week.

use polars::prelude::*;

use super::exprs::{count_int_eq, count_rows, day_of, percent, score_quantile, sort_opts};
use crate::window::Date;

/// Output tables: (folder name, plan).
pub fn outputs(submissions: LazyFrame, answers: LazyFrame, week_start: Date) -> Vec<(&'static str, LazyFrame)> {
    let week = lit(week_start.to_string()).alias("week_start");
    let scored = with_percentage(submissions);
    vec![
        ("exam_statistics", exam_statistics(scored.clone()).with_column(week.clone())),
        ("question_difficulty", question_difficulty(answers).with_column(week.clone())),
        ("daily_trends", daily_trends(scored.clone()).with_column(week.clone())),
        ("grading_efficiency", grading_efficiency(scored).with_column(week)),
    ]
}

/// Adds `percentage` (score × 100 / max, NULL when ungraded or the maximum is 0).
pub fn with_percentage(submissions: LazyFrame) -> LazyFrame {
    submissions.with_column(percent(col("score_hundredths"), col("max_score_hundredths")).alias("percentage"))
}

/// Per exam: count, mean, sample standard deviation, min, max, median and quartiles (actual
/// scores, like `percentile_approx`), passed and failed (the exam's pass mark), pass rate.
pub fn exam_statistics(scored: LazyFrame) -> LazyFrame {
    scored
        .group_by([col("exam_id")])
        .agg([
            count_rows("total_submissions"),
            col("percentage").mean().alias("avg_score"),
            col("percentage").std(1).alias("stddev_score"),
            col("percentage").min().alias("min_score"),
            col("percentage").max().alias("max_score"),
            score_quantile("percentage", 0.5, "median_score"),
            score_quantile("percentage", 0.25, "q1_score"),
            score_quantile("percentage", 0.75, "q3_score"),
            count_int_eq("passed", 1, "passed_count"),
            count_int_eq("passed", 0, "failed_count"),
        ])
        .with_column(percent(col("passed_count"), col("total_submissions")).alias("pass_rate"))
        .sort_by_exprs([col("exam_id")], sort_opts(&[false]))
}

/// Per question: attempts, correct (full points) and incorrect answers, mean score and points,
/// correct rate and difficulty: easy ≥ 80 %, medium ≥ 50 %, else hard.
pub fn question_difficulty(answers: LazyFrame) -> LazyFrame {
    let correct = col("score_hundredths").gt_eq(col("points_hundredths")).fill_null(lit(false));
    answers
        .with_column(correct.alias("is_correct"))
        .group_by([col("question_id"), col("question_type")])
        .agg([
            count_rows("total_attempts"),
            col("is_correct").cast(DataType::Int64).sum().alias("correct_count"),
            (col("score_hundredths").cast(DataType::Float64) / lit(100.0)).mean().alias("avg_score"),
            (col("points_hundredths").cast(DataType::Float64) / lit(100.0)).mean().alias("avg_max_score"),
        ])
        .with_column((col("total_attempts") - col("correct_count")).alias("incorrect_count"))
        .with_column(percent(col("correct_count"), col("total_attempts")).alias("correct_rate"))
        .with_column(
            when(col("correct_rate").gt_eq(lit(80.0)))
                .then(lit("easy"))
                .when(col("correct_rate").gt_eq(lit(50.0)))
                .then(lit("medium"))
                .otherwise(lit("hard"))
                .alias("difficulty"),
        )
        .sort_by_exprs([col("question_id")], sort_opts(&[false]))
}

/// Per UTC day of submission: submissions, mean score, passed.
pub fn daily_trends(scored: LazyFrame) -> LazyFrame {
    scored
        .with_column(day_of(col("submitted_at")).alias("submission_date"))
        .group_by([col("submission_date")])
        .agg([
            count_rows("submissions_count"),
            col("percentage").mean().alias("avg_score"),
            count_int_eq("passed", 1, "passed_count"),
        ])
        .sort_by_exprs([col("submission_date")], sort_opts(&[false]))
}

/// Per grader kind (`auto`, `mixed`): graded count and hours from submission to grade.
pub fn grading_efficiency(scored: LazyFrame) -> LazyFrame {
    let hours = (col("graded_at") - col("submitted_at")).cast(DataType::Float64) / lit(3_600_000.0);
    scored
        .filter(col("graded_at").is_not_null())
        .with_column(hours.alias("grading_time_hours"))
        .group_by([col("graded_by")])
        .agg([
            count_rows("graded_count"),
            col("grading_time_hours").mean().alias("avg_grading_time_hours"),
            col("grading_time_hours").min().alias("min_grading_time_hours"),
            col("grading_time_hours").max().alias("max_grading_time_hours"),
        ])
        .sort_by_exprs([col("graded_by")], sort_opts(&[false]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::testing::{frame_f64, frame_i64, frame_str};

    const H: i64 = 3_600_000;

    fn week() -> Date {
        Date { year: 2026, month: 11, day: 15 }
    }

    /// Exam e1: 50, 60, 70, 80, 90, 100 %; exam e2: one 40 %.
    fn submissions() -> LazyFrame {
        let t = week().start_ms();
        df!(
            "attempt_id" => ["a1", "a2", "a3", "a4", "a5", "a6", "b1"],
            "user_id" => ["u1", "u2", "u3", "u4", "u5", "u6", "u1"],
            "exam_id" => ["e1", "e1", "e1", "e1", "e1", "e1", "e2"],
            "submitted_at" => [t, t + H, t + 2 * H, t + 24 * H, t + 25 * H, t + 26 * H, t + 48 * H],
            "graded_at" => [Some(t), Some(t + H), Some(t + 2 * H), Some(t + 24 * H), Some(t + 27 * H), Some(t + 36 * H), None],
            "score_hundredths" => [500i64, 600, 700, 800, 900, 1000, 400],
            "max_score_hundredths" => [1000i64; 7],
            "passed" => [0i64, 1, 1, 1, 1, 1, 0],
            "graded_by" => ["auto", "auto", "auto", "auto", "mixed", "mixed", "auto"],
        )
        .expect("sample")
        .lazy()
    }

    #[test]
    fn exam_statistics_match_the_prototype_definitions() {
        let out = exam_statistics(with_percentage(submissions())).collect().expect("runs");
        assert_eq!(frame_str(&out, "exam_id"), ["e1", "e2"]);
        assert_eq!(frame_i64(&out, "total_submissions"), [6, 1]);
        assert_eq!(frame_f64(&out, "avg_score"), [Some(75.0), Some(40.0)]);
        // Sample standard deviation of 50..100 step 10: sqrt(1750 / 5).
        assert_eq!(frame_f64(&out, "stddev_score")[0], Some((350.0f64.sqrt() * 1e6).round() / 1e6));
        assert_eq!(frame_f64(&out, "stddev_score")[1], None, "one score has no sample deviation");
        assert_eq!(frame_f64(&out, "min_score"), [Some(50.0), Some(40.0)]);
        assert_eq!(frame_f64(&out, "max_score"), [Some(100.0), Some(40.0)]);
        // Nearest-rank quantiles on six scores: ranks ceil(1.5)=2, ceil(3)=3, ceil(4.5)=5.
        assert_eq!(frame_f64(&out, "q1_score"), [Some(60.0), Some(40.0)]);
        assert_eq!(frame_f64(&out, "median_score"), [Some(70.0), Some(40.0)]);
        assert_eq!(frame_f64(&out, "q3_score"), [Some(90.0), Some(40.0)]);
        assert_eq!(frame_i64(&out, "passed_count"), [5, 0]);
        assert_eq!(frame_i64(&out, "failed_count"), [1, 1]);
        assert_eq!(frame_f64(&out, "pass_rate")[1], Some(0.0));
        assert_eq!(frame_f64(&out, "pass_rate")[0], Some((500.0f64 / 6.0 * 1e6).round() / 1e6));
    }

    #[test]
    fn daily_trends_and_grading_efficiency() {
        let scored = with_percentage(submissions());
        let trends = daily_trends(scored.clone()).collect().expect("runs");
        assert_eq!(frame_str(&trends, "submission_date"), ["2026-11-15", "2026-11-16", "2026-11-17"]);
        assert_eq!(frame_i64(&trends, "submissions_count"), [3, 3, 1]);
        assert_eq!(frame_f64(&trends, "avg_score"), [Some(60.0), Some(90.0), Some(40.0)]);
        assert_eq!(frame_i64(&trends, "passed_count"), [2, 3, 0]);
        let eff = grading_efficiency(scored).collect().expect("runs");
        assert_eq!(frame_str(&eff, "graded_by"), ["auto", "mixed"]);
        assert_eq!(frame_i64(&eff, "graded_count"), [4, 2], "ungraded rows are left out");
        assert_eq!(frame_f64(&eff, "avg_grading_time_hours"), [Some(0.0), Some(6.0)]);
        assert_eq!(frame_f64(&eff, "max_grading_time_hours"), [Some(0.0), Some(10.0)]);
    }

    #[test]
    fn question_difficulty_buckets_at_their_bounds() {
        // q80: 4 of 5 correct (80 % → easy); q50: 1 of 2 (50 % → medium); q49: 49 of 100 (hard).
        let mut ids = Vec::new();
        let mut scores = Vec::new();
        for (q, correct, total) in [("q80", 4, 5), ("q50", 1, 2), ("q49", 49, 100)] {
            for i in 0..total {
                ids.push(q);
                scores.push(Some(if i < correct { 200i64 } else { 50 }));
            }
        }
        scores[0] = Some(250); // more than the points still counts as correct
        let n = ids.len();
        let answers = df!(
            "question_id" => ids,
            "question_type" => vec!["mcq"; n],
            "score_hundredths" => scores,
            "points_hundredths" => vec![200i64; n],
        )
        .expect("answers")
        .lazy();
        let out = question_difficulty(answers).collect().expect("runs");
        assert_eq!(frame_str(&out, "question_id"), ["q49", "q50", "q80"]);
        assert_eq!(frame_str(&out, "difficulty"), ["hard", "medium", "easy"]);
        assert_eq!(frame_i64(&out, "correct_count"), [49, 1, 4]);
        assert_eq!(frame_i64(&out, "incorrect_count"), [51, 1, 1]);
        assert_eq!(frame_f64(&out, "correct_rate"), [Some(49.0), Some(50.0), Some(80.0)]);
        assert_eq!(frame_f64(&out, "avg_max_score"), [Some(2.0), Some(2.0), Some(2.0)]);
        assert_eq!(frame_f64(&out, "avg_score")[2], Some(1.8));
    }
}
