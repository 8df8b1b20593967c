"""The daily anomaly aggregation in PySpark (local mode), for comparison with the polars job.

Same definitions as batch/src/jobs/daily.rs (the prototype's daily_anomaly_aggregation.py):
by exam, by user and by UTC hour of the day, over the day's staged anomalies (Parquet files
with exam_id, user_id, kind, severity, detected_at in UTC ms, confidence 0-1).

    python spark_daily.py INPUT_DIR OUTPUT_DIR YYYY-MM-DD

Prints `spark aggregation: N rows in S s` (session start-up excluded).
"""

import sys
import time
from datetime import datetime, timezone

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def count_eq(column, value, name):
    return F.sum(F.when(F.col(column) == value, 1).otherwise(0)).cast("long").alias(name)


def main(input_dir, output_dir, day):
    day_start_ms = int(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp() * 1000)
    spark = (
        SparkSession.builder.master("local[*]")
        .appName("proctorwise-daily-anomalies")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    started = time.monotonic()
    anomalies = spark.read.parquet(input_dir)
    report_date = F.lit(day).alias("report_date")
    by_exam = (
        anomalies.groupBy("exam_id")
        .agg(
            F.count(F.lit(1)).alias("total_anomalies"),
            count_eq("severity", "critical", "critical_count"),
            count_eq("severity", "high", "high_count"),
            count_eq("severity", "medium", "medium_count"),
            count_eq("severity", "low", "low_count"),
            count_eq("kind", "face_absent", "face_absent_count"),
            count_eq("kind", "multiple_faces", "multiple_faces_count"),
            count_eq("kind", "forbidden_object", "forbidden_object_count"),
            count_eq("kind", "tab_change", "tab_change_count"),
            count_eq("kind", "webcam_disabled", "webcam_disabled_count"),
            F.avg("confidence").alias("avg_confidence"),
        )
        .orderBy("exam_id")
        .select("*", report_date)
    )
    by_user = (
        anomalies.groupBy("user_id")
        .agg(
            F.count(F.lit(1)).alias("total_anomalies"),
            count_eq("severity", "critical", "critical_count"),
            count_eq("severity", "high", "high_count"),
            count_eq("kind", "face_absent", "face_absent_count"),
            count_eq("kind", "multiple_faces", "multiple_faces_count"),
            count_eq("kind", "forbidden_object", "forbidden_object_count"),
        )
        .orderBy("user_id")
        .select("*", report_date)
    )
    hour = F.floor((F.col("detected_at") - F.lit(day_start_ms)) / F.lit(3_600_000)).cast("int")
    hourly = (
        anomalies.withColumn("hour", hour)
        .groupBy("hour")
        .agg(F.count(F.lit(1)).alias("anomaly_count"), count_eq("severity", "critical", "critical_count"))
        .orderBy("hour")
        .select("*", report_date)
    )
    rows = 0
    for name, frame in (("by_exam", by_exam), ("by_user", by_user), ("hourly", hourly)):
        frame.coalesce(1).write.mode("overwrite").parquet(f"{output_dir}/{name}")
        rows += spark.read.parquet(f"{output_dir}/{name}").count()
    print(f"spark aggregation: {rows} rows in {time.monotonic() - started:.1f} s")
    spark.stop()


if __name__ == "__main__":
    main(*sys.argv[1:4])
