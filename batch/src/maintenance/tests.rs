use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::*;
use crate::storage::LocalStorage;

async fn put(storage: &LocalStorage, dir: &str) {
    storage.replace_dir(dir, vec![("part-00000.parquet".into(), Bytes::from_static(b"x"))]).await.expect("write");
}

#[tokio::test]
async fn cleanup_keeps_exactly_the_retention_window() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let storage = LocalStorage::new(tmp.path().to_path_buf());
    init_storage(&storage).await.expect("init");
    // Today 2026-11-22: anomaly cutoff 2026-08-24 (90 days), grading cutoff 2026-05-26 (180 days).
    put(&storage, "processed/anomaly_reports/2026/08/by_exam/23").await;
    put(&storage, "processed/anomaly_reports/2026/08/hourly/24").await;
    put(&storage, "processed/anomaly_reports/2025/12/by_user/31").await;
    put(&storage, "processed/grading_results/2025/week_50/exam_statistics").await;
    put(&storage, "processed/grading_results/2026/week_19/exam_statistics").await;
    put(&storage, "processed/grading_results/2026/week_20/exam_statistics").await;
    put(&storage, "processed/user_performance/2020/01/user_profiles").await;
    let r = Retention {
        today: Date { year: 2026, month: 11, day: 22 },
        anomaly_days: 90,
        grading_days: 180,
        dry_run: true,
    };
    let dry = cleanup(&storage, &r).await.expect("dry run");
    assert_eq!(
        dry.folders,
        [
            "processed/anomaly_reports/2025/12/by_user/31",
            "processed/anomaly_reports/2026/08/by_exam/23",
            "processed/grading_results/2025/week_50",
            "processed/grading_results/2026/week_19",
        ]
    );
    assert!(storage.list("processed/anomaly_reports/2025").await.expect("list").len() == 1, "dry run removes nothing");
    let done = cleanup(&storage, &Retention { dry_run: false, ..r }).await.expect("cleanup");
    assert_eq!(done, dry);
    let names = |v: Vec<crate::storage::Entry>| v.into_iter().map(|e| e.name).collect::<Vec<_>>();
    assert_eq!(names(storage.list("processed/anomaly_reports").await.expect("list")), ["2026"], "empty year pruned");
    assert_eq!(names(storage.list("processed/anomaly_reports/2026/08").await.expect("list")), ["hourly"]);
    assert_eq!(names(storage.list("processed/grading_results").await.expect("list")), ["2026"]);
    assert_eq!(names(storage.list("processed/grading_results/2026").await.expect("list")), ["week_20"]);
    assert_eq!(storage.list("processed/user_performance/2020/01").await.expect("list").len(), 1, "kept");
    assert_eq!(storage.list("raw").await.expect("list").len(), 2, "the folder tree stays");
}

#[test]
fn frames_older_than_the_retention_go() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let session = tmp.path().join("session-1");
    std::fs::create_dir_all(&session).expect("mkdir");
    std::fs::write(session.join("old.jpg"), b"jpg").expect("write");
    std::fs::write(tmp.path().join("new.jpg"), b"jpg").expect("write");
    let later = SystemTime::now() + Duration::from_secs(10 * 86_400);
    // Ten days on, a 30-day retention keeps both; a 5-day one removes both and the empty folder.
    assert_eq!(cleanup_frames(tmp.path(), 30, later, false).expect("sweep"), 0);
    assert_eq!(cleanup_frames(tmp.path(), 5, later, true).expect("dry"), 2);
    assert!(session.join("old.jpg").exists(), "dry run keeps files");
    assert_eq!(cleanup_frames(tmp.path(), 5, later, false).expect("sweep"), 2);
    assert!(!session.exists());
    assert_eq!(cleanup_frames(&tmp.path().join("missing"), 5, later, false).expect("missing dir"), 0);
}

#[test]
fn backup_names_and_retention() {
    let now = Date { year: 2026, month: 11, day: 22 }.start_ms() + ((60 + 2) * 60 + 3) * 1000;
    assert_eq!(backup::file_stem(now), "backup_20261122_010203");
    assert_eq!(backup::parse_stem("backup_20261122_010203.sql"), Some(now));
    assert_eq!(backup::parse_stem("notes.txt"), None);
    let tmp = tempfile::tempdir().expect("tempdir");
    for name in ["backup_20261114_235959.sql", "backup_20261115_010203.db", "backup_20261122_000000.sql", "keep.txt"] {
        std::fs::write(tmp.path().join(name), b"x").expect("write");
    }
    let removed = backup::prune(tmp.path(), 7, now).expect("prune");
    let names: Vec<_> = removed.iter().filter_map(|p| p.file_name()?.to_str()).collect();
    assert_eq!(names, ["backup_20261114_235959.sql"], "exactly seven days old is kept");
    assert_eq!(std::fs::read_dir(tmp.path()).expect("list").count(), 3);
}
