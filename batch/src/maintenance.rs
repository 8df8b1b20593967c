//! Upkeep commands the Airflow maintenance DAGs call: storage initialisation, retention clean-up
//! of old outputs and evidence frames, database backups with retention, and a health check that
//! only reads.

pub mod backup;

use std::path::{Component, Path, PathBuf};

use anyhow::Context;
use sqlx::AnyPool;

use crate::storage::Storage;
use crate::window::Date;

/// The prototype's folder tree (`init_hdfs_structure`).
pub const FOLDERS: &[&str] = &[
    "raw/frames",
    "raw/recordings",
    "processed/anomaly_reports",
    "processed/grading_results",
    "processed/user_performance",
    "ml/models",
    "archive",
];

/// Creates the folder tree (idempotent).
pub async fn init_storage(storage: &dyn Storage) -> anyhow::Result<()> {
    for folder in FOLDERS {
        storage.create_dir(folder).await.with_context(|| format!("creating {folder}"))?;
    }
    Ok(())
}

/// Retention settings of [`cleanup`].
#[derive(Clone, Debug)]
pub struct Retention {
    /// Today (UTC).
    pub today: Date,
    /// Daily anomaly reports older than this many days go (prototype: 90).
    pub anomaly_days: i64,
    /// Weekly grading results older than this many days go (prototype: 180).
    pub grading_days: i64,
    /// Only list what would go.
    pub dry_run: bool,
}

/// What a clean-up removed (or would remove in a dry run): storage paths and frame files.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Removed {
    /// Output folders.
    pub folders: Vec<String>,
    /// Frame files.
    pub frames: u64,
}

fn num(name: &str, prefix: &str) -> Option<i64> {
    name.strip_prefix(prefix)?.parse().ok()
}

async fn subdirs(storage: &dyn Storage, dir: &str) -> anyhow::Result<Vec<String>> {
    Ok(storage.list(dir).await?.into_iter().filter(|e| e.is_dir && !e.name.starts_with('.')).map(|e| e.name).collect())
}

async fn remove(storage: &dyn Storage, path: String, dry_run: bool, removed: &mut Removed) -> anyhow::Result<()> {
    if !dry_run {
        storage.remove(&path).await.with_context(|| format!("removing {path}"))?;
    }
    removed.folders.push(path);
    Ok(())
}

/// Removes anomaly report days older than `anomaly_days` and grading weeks that ended more than
/// `grading_days` ago; empty month and year folders go with them.
pub async fn cleanup(storage: &dyn Storage, r: &Retention) -> anyhow::Result<Removed> {
    let mut removed = Removed::default();
    let anomaly_cutoff = r.today.add_days(-r.anomaly_days);
    let root = "processed/anomaly_reports";
    for year in subdirs(storage, root).await? {
        for month in subdirs(storage, &format!("{root}/{year}")).await? {
            let month_dir = format!("{root}/{year}/{month}");
            for kind in subdirs(storage, &month_dir).await? {
                for day in subdirs(storage, &format!("{month_dir}/{kind}")).await? {
                    let date = Date::parse(&format!("{year}-{month}-{day}"));
                    if date.is_some_and(|d| d < anomaly_cutoff) {
                        remove(storage, format!("{month_dir}/{kind}/{day}"), r.dry_run, &mut removed).await?;
                    }
                }
            }
        }
    }
    let grading_cutoff = r.today.add_days(-r.grading_days);
    let root = "processed/grading_results";
    for year in subdirs(storage, root).await? {
        let Some(y) = num(&year, "") else { continue };
        for week in subdirs(storage, &format!("{root}/{year}")).await? {
            let Some(w) = num(&week, "week_") else { continue };
            // Week W of year Y (Monday-based, %W) ends at the latest 7·(W+1) days after 1 January.
            let jan1 = Date { year: i32::try_from(y).unwrap_or(0), month: 1, day: 1 };
            if jan1.add_days(7 * (w + 1)) < grading_cutoff {
                remove(storage, format!("{root}/{year}/{week}"), r.dry_run, &mut removed).await?;
            }
        }
    }
    if !r.dry_run {
        prune_empty(storage, "processed/anomaly_reports", 3).await?;
        prune_empty(storage, "processed/grading_results", 1).await?;
    }
    Ok(removed)
}

/// Removes folders left empty under `root`, down to `depth` levels.
async fn prune_empty(storage: &dyn Storage, root: &str, depth: u32) -> anyhow::Result<()> {
    for child in subdirs(storage, root).await? {
        let path = format!("{root}/{child}");
        if depth > 1 {
            Box::pin(prune_empty(storage, &path, depth - 1)).await?;
        }
        if storage.list(&path).await?.is_empty() {
            storage.remove(&path).await?;
        }
    }
    Ok(())
}

/// What a frame clean-up did (or would do in a dry run).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FrameCleanup {
    /// Frame files deleted (or to delete) and forgotten by the database.
    pub deleted: u64,
    /// Expired frames whose file is not under the folder (another frame store): left as they are.
    pub missing: u64,
}

/// Frames kept in one clean-up batch.
const FRAME_BATCH: i64 = 500;

/// Deletes the files of frames received more than `days` days before `now_ms` from the local
/// frame store `dir` and clears their `storage_key`, as the server's own retention does, so no
/// evidence link points at a missing file and no file outlives its row. `days == 0` keeps every
/// frame (the server's meaning of `PROCTORWISE_FRAME_RETENTION_DAYS=0`). A frame whose file is not
/// under `dir` is counted as missing and left alone.
pub async fn cleanup_frames(
    pool: &AnyPool,
    dir: &Path,
    days: u64,
    now_ms: i64,
    dry_run: bool,
) -> anyhow::Result<FrameCleanup> {
    let mut done = FrameCleanup::default();
    if days == 0 {
        return Ok(done);
    }
    let before = now_ms.saturating_sub(i64::try_from(days).unwrap_or(i64::MAX).saturating_mul(86_400_000));
    let mut after = String::new();
    loop {
        let batch: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, storage_key FROM monitoring_frames \
             WHERE received_at < ? AND storage_key IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
        )
        .bind(before)
        .bind(&after)
        .bind(FRAME_BATCH)
        .fetch_all(pool)
        .await
        .context("listing expired frames")?;
        let Some((last, _)) = batch.last() else { break };
        after = last.clone();
        for (id, key) in batch {
            let path = frame_path(dir, &key)?;
            if !path.is_file() {
                done.missing += 1;
                continue;
            }
            if !dry_run {
                std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
                sqlx::query("UPDATE monitoring_frames SET storage_key = NULL WHERE id = ?")
                    .bind(&id)
                    .execute(pool)
                    .await
                    .context("recording a deleted frame")?;
            }
            done.deleted += 1;
        }
    }
    Ok(done)
}

/// The file of a storage key under `dir`; keys are relative paths without `..`.
fn frame_path(dir: &Path, key: &str) -> anyhow::Result<PathBuf> {
    let relative = Path::new(key);
    anyhow::ensure!(
        relative.components().all(|c| matches!(c, Component::Normal(_))),
        "refusing the frame storage key {key:?}: not a plain relative path"
    );
    Ok(dir.join(relative))
}

#[cfg(test)]
mod tests;
