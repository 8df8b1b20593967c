//! Command-line arguments and what each subcommand does.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use proctorwise_batch::maintenance::{self, Retention, backup};
use proctorwise_batch::progress::Progress;
use proctorwise_batch::runs::{Trigger, now_ms};
use proctorwise_batch::storage::{Storage, StorageConfig};
use proctorwise_batch::{Date, Job, Month, Period, demo, run_job};
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

#[derive(Parser)]
#[command(name = "proctorwise-batch", version, about = "ProctorWise batch analytics and upkeep")]
pub struct Cli {
    /// Application database (`sqlite://…` or `mysql://…`); default: the server's SQLite file.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Data folder of the server (default SQLite file, outputs, frames, backups).
    #[arg(long, env = "PROCTORWISE_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// Local output folder (default `<data dir>/batch`); unused when HDFS_URL is set.
    #[arg(long, env = "PROCTORWISE_BATCH_DIR")]
    storage_dir: Option<PathBuf>,
    /// HDFS namenode (`hdfs://namenode:9000`): outputs go to HDFS instead of the local folder.
    #[arg(long, env = "HDFS_URL")]
    hdfs_url: Option<String>,
    /// Root folder of the outputs on HDFS.
    #[arg(long, env = "PROCTORWISE_HDFS_BASE", default_value = "/proctorwise")]
    hdfs_base: String,
    /// Upper bound of every HDFS call, in seconds.
    #[arg(long, env = "PROCTORWISE_HDFS_TIMEOUT_SECONDS", default_value_t = 10)]
    hdfs_timeout_secs: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Job 1: the day's anomalies by exam, by user and by hour (default: yesterday, UTC).
    DailyAnomalies {
        /// Day, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    /// Job 2: grading statistics of a week's graded attempts (default: the last full Sunday–Saturday week).
    WeeklyGrades {
        /// First day of the week, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        week_start: Option<Date>,
    },
    /// Job 3: student profiles, tiers and risk of a month (default: the previous month).
    MonthlyUsers {
        /// Month, YYYY-MM.
        #[arg(long, value_parser = parse_month)]
        month: Option<Month>,
    },
    /// Creates the storage folder tree (idempotent).
    InitStorage,
    /// Removes outputs and evidence frames older than their retention.
    Cleanup {
        /// Daily anomaly reports kept, in days.
        #[arg(long, default_value_t = 90)]
        anomaly_days: i64,
        /// Weekly grading results kept, in days.
        #[arg(long, default_value_t = 180)]
        grading_days: i64,
        /// Folder of stored evidence frames (default `<data dir>/frames`).
        #[arg(long, env = "PROCTORWISE_FRAME_DIR")]
        frames_dir: Option<PathBuf>,
        /// Evidence frames kept, in days (0 keeps them all, as in the server).
        #[arg(long, env = "PROCTORWISE_FRAME_RETENTION_DAYS", default_value_t = 30)]
        frame_retention_days: u64,
        /// Only print what would be removed.
        #[arg(long)]
        dry_run: bool,
    },
    /// Backs the database up into a folder and removes backups older than the retention.
    Backup {
        /// Backup folder (default `<data dir>/backups`).
        #[arg(long, env = "PROCTORWISE_BACKUP_DIR")]
        dir: Option<PathBuf>,
        /// Backups kept, in days.
        #[arg(long, default_value_t = 7)]
        keep_days: i64,
    },
    /// Checks (read-only) that the database and the storage answer; non-zero exit when not.
    Health,
    /// Fills an empty SQLite database with generated data (benchmarks, demos).
    Generate {
        /// Students.
        #[arg(long, default_value_t = 1000)]
        students: i64,
        /// Exams.
        #[arg(long, default_value_t = 50)]
        exams: i64,
        /// Questions per exam.
        #[arg(long, default_value_t = 10)]
        questions: i64,
        /// Submitted attempts.
        #[arg(long, default_value_t = 10_000)]
        attempts: i64,
        /// Anomalies (all on 2026-10-05).
        #[arg(long, default_value_t = 50_000)]
        anomalies: i64,
    },
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("{s:?} is not a date like 2026-03-31"))
}

fn parse_month(s: &str) -> Result<Month, String> {
    Month::parse(s).ok_or_else(|| format!("{s:?} is not a month like 2026-03"))
}

impl Cli {
    fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/proctorwise.db?mode=rw", self.data_dir.display()))
    }

    fn storage(&self) -> anyhow::Result<Arc<dyn Storage>> {
        let config = match &self.hdfs_url {
            Some(url) => StorageConfig::Hdfs {
                url: url.clone(),
                base: self.hdfs_base.clone(),
                timeout: Duration::from_secs(self.hdfs_timeout_secs),
            },
            None => StorageConfig::Local(self.storage_dir.clone().unwrap_or_else(|| self.data_dir.join("batch"))),
        };
        config.open()
    }
}

/// The URL without its password, for messages.
fn redacted(url: &str) -> String {
    proctorwise_batch::dburl::redact(url)
}

async fn connect(url: &str) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let url_fixed = url.replacen("mariadb:", "mysql:", 1);
    AnyPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(10))
        .connect(&url_fixed)
        .await
        .with_context(|| format!("cannot reach the application database at {}", redacted(url)))
}

fn today() -> Date {
    Date::from_ms(now_ms())
}

/// Runs the command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.database_url();
    match &cli.command {
        Command::DailyAnomalies { date } => job(&cli, &url, Job::DailyAnomalies, date.map(Period::Day)).await,
        Command::WeeklyGrades { week_start } => job(&cli, &url, Job::WeeklyGrades, week_start.map(Period::Week)).await,
        Command::MonthlyUsers { month } => job(&cli, &url, Job::MonthlyUsers, month.map(Period::Month)).await,
        Command::InitStorage => {
            let storage = cli.storage()?;
            maintenance::init_storage(storage.as_ref()).await?;
            println!("storage ready: {} ({} folders)", storage.describe(), maintenance::FOLDERS.len());
            Ok(())
        }
        Command::Cleanup { anomaly_days, grading_days, frames_dir, frame_retention_days, dry_run } => {
            let storage = cli.storage()?;
            let retention = Retention {
                today: today(),
                anomaly_days: *anomaly_days,
                grading_days: *grading_days,
                dry_run: *dry_run,
            };
            let removed = maintenance::cleanup(storage.as_ref(), &retention).await?;
            for folder in &removed.folders {
                println!("{} {folder}", if *dry_run { "would remove" } else { "removed" });
            }
            let frames_dir = frames_dir.clone().unwrap_or_else(|| cli.data_dir.join("frames"));
            let pool = connect(&url).await?;
            let frames =
                maintenance::cleanup_frames(&pool, &frames_dir, *frame_retention_days, now_ms(), *dry_run).await?;
            println!(
                "cleanup{}: {} output folders on {}, {} frame files older than {frame_retention_days} days in {} \
                 ({} expired frames not stored there)",
                if *dry_run { " (dry run)" } else { "" },
                removed.folders.len(),
                storage.describe(),
                frames.deleted,
                frames_dir.display(),
                frames.missing
            );
            Ok(())
        }
        Command::Backup { dir, keep_days } => {
            let pool = connect(&url).await?;
            let dir = dir.clone().unwrap_or_else(|| cli.data_dir.join("backups"));
            let now = now_ms();
            let path = backup::run(&pool, &url, &dir, now).await?;
            let removed = backup::prune(&dir, *keep_days, now)?;
            let size = std::fs::metadata(&path)?.len();
            println!("backup {} ({size} bytes); {} older than {keep_days} days removed", path.display(), removed.len());
            Ok(())
        }
        Command::Health => health(&cli, &url).await,
        Command::Generate { students, exams, questions, attempts, anomalies } => {
            anyhow::ensure!(url.starts_with("sqlite:"), "generate writes SQLite databases only");
            let pool = connect(&creating(&url)).await?;
            let scale = demo::Scale {
                students: *students,
                exams: *exams,
                questions: *questions,
                attempts: *attempts,
                anomalies: *anomalies,
            };
            demo::generate(&pool, scale).await?;
            println!("generated {scale:?} into {}", redacted(&url));
            Ok(())
        }
    }
}

/// The SQLite URL with `mode=rwc`, so the file is created (`mode=rw` is the default elsewhere).
fn creating(url: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("mode=")).collect();
    params.push("mode=rwc");
    format!("{base}?{}", params.join("&"))
}

async fn job(cli: &Cli, url: &str, job: Job, period: Option<Period>) -> anyhow::Result<()> {
    let period = period.unwrap_or_else(|| job.default_period(today()));
    let storage = cli.storage()?;
    let pool = connect(url).await?;
    let progress = Progress::for_terminal();
    let report = run_job(&pool, storage.as_ref(), job, period, Trigger::Cli, &progress).await?;
    println!("{}", report.summary());
    Ok(())
}

async fn health(cli: &Cli, url: &str) -> anyhow::Result<()> {
    let mut failures = Vec::new();
    match tokio::time::timeout(Duration::from_secs(15), async {
        let pool = connect(url).await?;
        sqlx::query("SELECT 1").execute(&pool).await.context("the database does not answer")?;
        anyhow::Ok(())
    })
    .await
    {
        Ok(Ok(())) => println!("database: ok ({})", redacted(url)),
        Ok(Err(e)) => failures.push(format!("database: {e:#}")),
        Err(_) => failures.push("database: no answer within 15 s".into()),
    }
    match cli.storage() {
        Ok(storage) => match tokio::time::timeout(Duration::from_secs(cli.hdfs_timeout_secs + 5), storage.list(""))
            .await
        {
            Ok(Ok(entries)) => println!("storage: ok ({}, {} entries at the root)", storage.describe(), entries.len()),
            Ok(Err(e)) => failures.push(format!("storage: {e:#}")),
            Err(_) => failures.push("storage: no answer in time".into()),
        },
        Err(e) => failures.push(format!("storage: {e:#}")),
    }
    for f in &failures {
        eprintln!("{f}");
    }
    anyhow::ensure!(failures.is_empty(), "{} check(s) failed", failures.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::creating;

    #[test]
    fn generate_creates_the_sqlite_file_whatever_the_mode() {
        assert_eq!(creating("sqlite:///d/x.db?mode=rw"), "sqlite:///d/x.db?mode=rwc");
        assert_eq!(creating("sqlite:///d/x.db?mode=rwc"), "sqlite:///d/x.db?mode=rwc");
        assert_eq!(creating("sqlite:///d/x.db?cache=shared&mode=ro"), "sqlite:///d/x.db?cache=shared&mode=rwc");
        assert_eq!(creating("sqlite:///d/x.db"), "sqlite:///d/x.db?mode=rwc");
    }
}
