//! Job 1, daily anomaly aggregation (the prototype's `daily_anomaly_aggregation.py`): the day's
//! anomalies by exam, by user and by hour.

use polars::prelude::*;

use super::exprs::{count_eq, count_rows, sort_opts};
use crate::window::Date;

/// Output tables, in the order they are written: (folder kind, plan).
pub fn outputs(anomalies: LazyFrame, date: Date) -> Vec<(&'static str, LazyFrame)> {
    let report_date = lit(date.to_string()).alias("report_date");
    vec![
        ("by_exam", by_exam(anomalies.clone()).with_column(report_date.clone())),
        ("by_user", by_user(anomalies.clone()).with_column(report_date.clone())),
        ("hourly", hourly(anomalies, date).with_column(report_date)),
    ]
}

/// Per exam: counts by severity and by kind, mean confidence.
pub fn by_exam(anomalies: LazyFrame) -> LazyFrame {
    anomalies
        .group_by([col("exam_id")])
        .agg([
            count_rows("total_anomalies"),
            count_eq("severity", "critical", "critical_count"),
            count_eq("severity", "high", "high_count"),
            count_eq("severity", "medium", "medium_count"),
            count_eq("severity", "low", "low_count"),
            count_eq("kind", "face_absent", "face_absent_count"),
            count_eq("kind", "multiple_faces", "multiple_faces_count"),
            count_eq("kind", "forbidden_object", "forbidden_object_count"),
            count_eq("kind", "tab_change", "tab_change_count"),
            count_eq("kind", "webcam_disabled", "webcam_disabled_count"),
            col("confidence").mean().alias("avg_confidence"),
        ])
        .sort_by_exprs([col("exam_id")], sort_opts(&[false]))
}

/// Per user: totals, critical and high counts, the three visual kinds.
pub fn by_user(anomalies: LazyFrame) -> LazyFrame {
    anomalies
        .group_by([col("user_id")])
        .agg([
            count_rows("total_anomalies"),
            count_eq("severity", "critical", "critical_count"),
            count_eq("severity", "high", "high_count"),
            count_eq("kind", "face_absent", "face_absent_count"),
            count_eq("kind", "multiple_faces", "multiple_faces_count"),
            count_eq("kind", "forbidden_object", "forbidden_object_count"),
        ])
        .sort_by_exprs([col("user_id")], sort_opts(&[false]))
}

/// Per UTC hour of the day (0–23, only hours with anomalies), ordered by hour.
pub fn hourly(anomalies: LazyFrame, date: Date) -> LazyFrame {
    let hour = (col("detected_at") - lit(date.start_ms())).floor_div(lit(3_600_000i64)).cast(DataType::Int32);
    anomalies
        .with_column(hour.alias("hour"))
        .group_by([col("hour")])
        .agg([count_rows("anomaly_count"), count_eq("severity", "critical", "critical_count")])
        .sort_by_exprs([col("hour")], sort_opts(&[false]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::testing::{frame_f64, frame_i64, frame_str};

    fn day() -> Date {
        Date { year: 2026, month: 3, day: 4 }
    }

    fn sample() -> LazyFrame {
        let t0 = day().start_ms();
        df!(
            "exam_id" => ["e1", "e1", "e2", "e1"],
            "user_id" => ["u1", "u2", "u1", "u1"],
            "kind" => ["face_absent", "tab_change", "multiple_faces", "forbidden_object"],
            "severity" => ["critical", "medium", "high", "critical"],
            "detected_at" => [t0 + 1000, t0 + 3_600_000, t0 + 23 * 3_600_000 + 5, t0 + 59 * 60_000],
            "confidence" => [Some(0.5), None, Some(0.9), Some(1.0)],
        )
        .expect("sample frame")
        .lazy()
    }

    #[test]
    fn by_exam_counts_and_mean_confidence() {
        let out = by_exam(sample()).collect().expect("plan runs");
        assert_eq!(frame_str(&out, "exam_id"), ["e1", "e2"]);
        assert_eq!(frame_i64(&out, "total_anomalies"), [3, 1]);
        assert_eq!(frame_i64(&out, "critical_count"), [2, 0]);
        assert_eq!(frame_i64(&out, "medium_count"), [1, 0]);
        assert_eq!(frame_i64(&out, "tab_change_count"), [1, 0]);
        assert_eq!(frame_i64(&out, "webcam_disabled_count"), [0, 0]);
        assert_eq!(frame_f64(&out, "avg_confidence"), [Some(0.75), Some(0.9)], "NULL confidences are left out");
    }

    #[test]
    fn by_user_and_hourly() {
        let users = by_user(sample()).collect().expect("plan runs");
        assert_eq!(frame_str(&users, "user_id"), ["u1", "u2"]);
        assert_eq!(frame_i64(&users, "total_anomalies"), [3, 1]);
        assert_eq!(frame_i64(&users, "forbidden_object_count"), [1, 0]);
        let hours = hourly(sample(), day()).collect().expect("plan runs");
        assert_eq!(frame_i64(&hours, "hour"), [0, 1, 23]);
        assert_eq!(frame_i64(&hours, "anomaly_count"), [2, 1, 1]);
        assert_eq!(frame_i64(&hours, "critical_count"), [2, 0, 0]);
    }

    #[test]
    fn an_empty_day_gives_empty_tables_with_their_columns() {
        let empty = sample().filter(lit(false));
        for (kind, plan) in outputs(empty, day()) {
            let out = plan.collect().expect("plan runs");
            assert_eq!(out.height(), 0, "{kind}");
            assert!(out.column("report_date").is_ok(), "{kind} keeps its schema");
        }
    }
}
