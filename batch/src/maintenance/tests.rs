use std::path::Path;

use bytes::Bytes;
use sqlx::AnyPool;

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

const DAY_MS: i64 = 86_400_000;

/// A database with one monitoring session (`se-00000001`) and the given frames: (id, days
/// before now received, storage key).
async fn frames_db(dir: &Path, frames: &[(&str, i64, Option<&str>)], now: i64) -> AnyPool {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}/app.db?mode=rwc", dir.display());
    let pool = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&url).await.expect("database");
    let scale = crate::demo::Scale { students: 1, exams: 1, questions: 1, attempts: 1, anomalies: 0 };
    crate::demo::generate(&pool, scale).await.expect("schema and a session");
    for (id, days, key) in frames {
        sqlx::query(
            "INSERT INTO monitoring_frames (id, session_id, n, seq, captured_at, received_at, storage_key, bytes, \
             width, height, verification) VALUES (?, 'se-00000001', 0, 0, ?, ?, ?, 3, 64, 48, 'not_needed')",
        )
        .bind(*id)
        .bind(now - days * DAY_MS)
        .bind(now - days * DAY_MS)
        .bind(*key)
        .execute(&pool)
        .await
        .expect("frame");
    }
    pool
}

async fn key(pool: &AnyPool, id: &str) -> Option<String> {
    sqlx::query_scalar("SELECT storage_key FROM monitoring_frames WHERE id = ?")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("frame row")
}

#[tokio::test]
async fn expired_frames_go_with_their_storage_key_and_nothing_else_does() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("frames");
    std::fs::create_dir_all(store.join("s1")).expect("mkdir");
    for name in ["old.jpg", "new.jpg"] {
        std::fs::write(store.join("s1").join(name), b"jpg").expect("write");
    }
    let now = 1_790_000_000_000;
    let frames = [
        ("f-old", 40, Some("s1/old.jpg")),
        ("f-new", 1, Some("s1/new.jpg")),
        ("f-elsewhere", 40, Some("s1/on-hdfs.jpg")),
        ("f-forgotten", 40, None),
    ];
    let pool = frames_db(tmp.path(), &frames, now).await;
    let none = cleanup_frames(&pool, &store, 0, now, false).await.expect("0 keeps all");
    assert_eq!(none, FrameCleanup::default());
    let dry = cleanup_frames(&pool, &store, 30, now, true).await.expect("dry run");
    assert_eq!(dry, FrameCleanup { deleted: 1, missing: 1 });
    assert!(store.join("s1/old.jpg").exists(), "a dry run deletes nothing");
    assert_eq!(key(&pool, "f-old").await.as_deref(), Some("s1/old.jpg"));
    let done = cleanup_frames(&pool, &store, 30, now, false).await.expect("cleanup");
    assert_eq!(done, dry);
    assert!(!store.join("s1/old.jpg").exists());
    assert_eq!(key(&pool, "f-old").await, None, "the row no longer points at the file");
    assert!(store.join("s1/new.jpg").exists(), "inside the retention");
    assert_eq!(key(&pool, "f-new").await.as_deref(), Some("s1/new.jpg"));
    assert_eq!(key(&pool, "f-elsewhere").await.as_deref(), Some("s1/on-hdfs.jpg"), "not ours to forget");
    assert_eq!(
        cleanup_frames(&pool, &store, 30, now, false).await.expect("again"),
        FrameCleanup { deleted: 0, missing: 1 }
    );
}

#[tokio::test]
async fn a_storage_key_leaving_the_folder_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let now = 1_790_000_000_000;
    let pool = frames_db(tmp.path(), &[("f-bad", 40, Some("../app.db"))], now).await;
    let err = cleanup_frames(&pool, &tmp.path().join("frames"), 30, now, false).await.expect_err("refused");
    assert!(format!("{err:#}").contains("not a plain relative path"), "{err:#}");
    assert!(tmp.path().join("app.db").exists());
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
