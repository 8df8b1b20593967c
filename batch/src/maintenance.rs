//! Upkeep commands the Airflow maintenance DAGs call: storage initialisation, retention clean-up
//! of old outputs and evidence frames, database backups with retention, and a health check that
//! only reads.

pub mod backup;

use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::Context;

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

/// Deletes evidence frame files under `dir` last modified more than `days` days before `now`
/// (and the folders this empties). Returns how many files went (or would go).
pub fn cleanup_frames(dir: &Path, days: u64, now: SystemTime, dry_run: bool) -> anyhow::Result<u64> {
    let cutoff = now.checked_sub(Duration::from_secs(days * 86_400)).unwrap_or(SystemTime::UNIX_EPOCH);
    if !dir.exists() {
        return Ok(0);
    }
    sweep(dir, cutoff, dry_run)
}

fn sweep(dir: &Path, cutoff: SystemTime, dry_run: bool) -> anyhow::Result<u64> {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        let meta = entry.metadata()?;
        if meta.is_dir() {
            count += sweep(&path, cutoff, dry_run)?;
            if !dry_run && std::fs::read_dir(&path)?.next().is_none() {
                std::fs::remove_dir(&path)?;
            }
        } else if meta.modified()? < cutoff {
            if !dry_run {
                std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            }
            count += 1;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests;
