//! The `proctorwise-batch` binary end to end: exit codes and messages when the input is
//! unreachable, a generated database through a job, the upkeep commands.

use std::process::{Command, Output};

fn batch(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_proctorwise-batch"));
    cmd.args(args).env_remove("DATABASE_URL").env_remove("HDFS_URL").env_remove("PROCTORWISE_BATCH_DIR");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run proctorwise-batch")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn an_unreachable_database_fails_with_a_clear_message() {
    // Nothing listens on port 1.
    let out =
        batch(&["daily-anomalies", "--date", "2026-10-05"], &[("DATABASE_URL", "mysql://u:secret@127.0.0.1:1/pw")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("cannot reach the application database at mysql://u:***@127.0.0.1:1/pw"), "{err}");
    assert!(!err.contains("secret"), "the password is not printed: {err}");

    let dir = tempfile::tempdir().expect("tempdir");
    let missing = format!("sqlite://{}/missing.db?mode=rw", dir.path().display());
    let out = batch(&["monthly-users", "--month", "2026-10"], &[("DATABASE_URL", &missing)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot reach the application database"), "{}", stderr(&out));
    let out = batch(&["health"], &[("DATABASE_URL", &missing)]);
    assert_eq!(out.status.code(), Some(1), "health fails too");
}

#[test]
fn bad_arguments_are_refused() {
    let out = batch(&["monthly-users", "--month", "2026-13"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not a month like 2026-03"));
    let out = batch(&["weekly-grades", "--week-start", "yesterday"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_generated_database_goes_through_every_job_and_the_upkeep_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/demo.db?mode=rw", dir.path().display());
    let out_dir = dir.path().join("out");
    let env = [("DATABASE_URL", url.as_str()), ("PROCTORWISE_BATCH_DIR", out_dir.to_str().unwrap_or_default())];
    let gen_args =
        ["generate", "--students", "30", "--exams", "3", "--questions", "4", "--attempts", "100", "--anomalies", "700"];
    let out = batch(&gen_args, &env);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = batch(&["daily-anomalies", "--date", "2026-10-05"], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("daily-anomalies 2026-10-05: 686 rows read"), "{}", stdout(&out));
    assert!(out_dir.join("processed/anomaly_reports/2026/10/hourly/05/part-00000.parquet").is_file());
    // 100 attempts, 90 graded, 4 answers each.
    let out = batch(&["weekly-grades", "--week-start", "2026-10-04"], &env);
    assert!(stdout(&out).contains("weekly-grades 2026-10-04: 450 rows read"), "{}{}", stdout(&out), stderr(&out));
    let out = batch(&["monthly-users", "--month", "2026-10"], &env);
    assert!(stdout(&out).contains("monthly-users 2026-10: 786 rows read"), "{}{}", stdout(&out), stderr(&out));
    assert!(out_dir.join("processed/user_performance/2026/10/risk_summary/part-00000.parquet").is_file());

    let out = batch(&["init-storage"], &env);
    assert!(out.status.success() && out_dir.join("raw/frames").is_dir(), "{}", stderr(&out));
    let out = batch(&["health"], &env);
    assert!(out.status.success() && stdout(&out).contains("database: ok"), "{}", stderr(&out));
    let out = batch(&["cleanup", "--dry-run", "--anomaly-days", "10"], &env);
    assert!(stdout(&out).contains("would remove processed/anomaly_reports/2026/10/by_exam/05"), "{}", stdout(&out));
    assert!(out_dir.join("processed/anomaly_reports/2026/10/by_exam/05").is_dir(), "dry run keeps it");
    let backups = dir.path().join("backups");
    let out = batch(&["backup", "--dir", backups.to_str().unwrap_or_default()], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&backups).expect("backups").count(), 1);
}
