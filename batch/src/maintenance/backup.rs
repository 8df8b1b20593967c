//! Database backups (the prototype's `daily_mariadb_backup`): SQLite with `VACUUM INTO`, MariaDB
//! with `mariadb-dump --single-transaction --routines --triggers`; files named
//! `backup_YYYYmmdd_HHMMSS.{db,sql}`, those older than the retention removed afterwards.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::Context;
use sqlx::AnyPool;

use crate::window::Date;

/// A backup smaller than this is treated as failed (as the prototype did).
pub const MIN_BYTES: u64 = 1000;

/// `backup_YYYYmmdd_HHMMSS` for a UTC millisecond timestamp.
pub fn file_stem(now_ms: i64) -> String {
    let date = Date::from_ms(now_ms);
    let secs = now_ms.div_euclid(1000).rem_euclid(86_400);
    format!(
        "backup_{:04}{:02}{:02}_{:02}{:02}{:02}",
        date.year,
        date.month,
        date.day,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The UTC start of the day and time a backup file name carries.
pub fn parse_stem(name: &str) -> Option<i64> {
    let stem = name.strip_prefix("backup_")?.split('.').next()?;
    let (day, time) = stem.split_once('_')?;
    if day.len() != 8 || time.len() != 6 {
        return None;
    }
    let date = Date::parse(&format!("{}-{}-{}", &day[..4], &day[4..6], &day[6..]))?;
    let (h, m, s): (i64, i64, i64) = (time[..2].parse().ok()?, time[2..4].parse().ok()?, time[4..].parse().ok()?);
    Some(date.start_ms() + ((h * 60 + m) * 60 + s) * 1000)
}

/// Writes a backup of the database at `url` into `dir`; returns its path.
pub async fn run(pool: &AnyPool, url: &str, dir: &Path, now_ms: i64) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let stem = file_stem(now_ms);
    let path = if url.starts_with("sqlite:") {
        let path = dir.join(format!("{stem}.db"));
        let target = path.to_str().context("backup path is not UTF-8")?.replace('\'', "''");
        sqlx::query(&format!("VACUUM INTO '{target}'")).execute(pool).await.context("SQLite VACUUM INTO")?;
        path
    } else {
        let path = dir.join(format!("{stem}.sql"));
        dump_mariadb(url, &path).await?;
        path
    };
    let size = std::fs::metadata(&path)?.len();
    anyhow::ensure!(size >= MIN_BYTES, "backup {} has only {size} bytes", path.display());
    Ok(path)
}

async fn dump_mariadb(url: &str, path: &Path) -> anyhow::Result<()> {
    let u = crate::dburl::parse(url).context("DATABASE_URL is not a mysql:// URL")?;
    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut cmd = std::process::Command::new(if which("mariadb-dump") { "mariadb-dump" } else { "mysqldump" });
    cmd.args(["--single-transaction", "--routines", "--triggers", "--protocol=TCP", "-h", &u.host])
        .args(["-P", &u.port.to_string(), "-u", &u.user])
        .env("MYSQL_PWD", &u.password)
        .stdout(Stdio::from(file))
        .stderr(Stdio::piped());
    if u.database.is_empty() {
        cmd.arg("--all-databases")
    } else {
        cmd.arg(&u.database)
    };
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .context("mariadb-dump task")?
        .context("cannot run mariadb-dump (install the MariaDB client)")?;
    if !out.status.success() {
        let _ = std::fs::remove_file(path);
        anyhow::bail!("mariadb-dump failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// Deletes backups in `dir` whose name is older than `keep_days` days before `now_ms`; returns them.
pub fn prune(dir: &Path, keep_days: i64, now_ms: i64) -> anyhow::Result<Vec<PathBuf>> {
    let cutoff = now_ms - keep_days * 86_400_000;
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if parse_stem(name).is_some_and(|at| at < cutoff) {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            removed.push(path);
        }
    }
    removed.sort();
    Ok(removed)
}
