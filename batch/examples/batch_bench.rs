//! Benchmark of the three jobs on generated data: rows read per second and peak memory (VmHWM)
//! of each job, each run in its own process so the figures do not mix.
//!
//! ```text
//! cargo run -p proctorwise-batch --example batch_bench -- [--attempts N] [--anomalies N] [--db PATH]
//! ```
//! Defaults: 200 000 attempts × 10 questions (2 M answers), 200 000 anomalies, in a fresh SQLite
//! file under the temporary folder (or `--db PATH`, reused when it exists).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use proctorwise_batch::demo::{self, Scale};
use proctorwise_batch::progress::Progress;
use proctorwise_batch::runs::Trigger;
use proctorwise_batch::storage::LocalStorage;
use proctorwise_batch::{Job, Period, run_job};
use sqlx::any::AnyPoolOptions;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn num(name: &str, default: i64) -> i64 {
    arg(name).and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok());
    kib.unwrap_or(0.0) / 1024.0
}

async fn pool(url: &str) -> anyhow::Result<sqlx::AnyPool> {
    sqlx::any::install_default_drivers();
    Ok(AnyPoolOptions::new().max_connections(2).connect(url).await?)
}

/// Child: runs one job and prints `rows seconds peak_mib`.
async fn child(db: &str, job: Job, out: &str) -> anyhow::Result<()> {
    let pool = pool(&format!("sqlite://{db}?mode=rw")).await?;
    let period = match job {
        Job::DailyAnomalies => Period::Day(Scale::DAY),
        Job::WeeklyGrades => Period::Week(Scale::WEEK),
        Job::MonthlyUsers => Period::Month(Scale::MONTH),
    };
    let storage = LocalStorage::new(PathBuf::from(out));
    let report = run_job(&pool, &storage, job, period, Trigger::Cli, &Progress::hidden()).await?;
    println!("{} {} {:.3} {:.1}", report.rows_read, report.rows_written, report.elapsed.as_secs_f64(), peak_rss_mib());
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if let (Some(db), Some(job), Some(out)) = (arg("--child-db"), arg("--child-job"), arg("--child-out")) {
        return child(&db, Job::parse(&job).context("job")?, &out).await;
    }
    let scale = Scale {
        students: num("--students", 20_000),
        exams: num("--exams", 200),
        questions: num("--questions", 10),
        attempts: num("--attempts", 200_000),
        anomalies: num("--anomalies", 200_000),
    };
    let tmp = tempfile::tempdir()?;
    let db = arg("--db").map_or_else(|| tmp.path().join("bench.db"), PathBuf::from);
    if db.exists() {
        println!("reusing {}", db.display());
    } else {
        let started = Instant::now();
        let pool = pool(&format!("sqlite://{}?mode=rwc", db.display())).await?;
        sqlx::query("PRAGMA journal_mode = OFF").execute(&pool).await?;
        demo::generate(&pool, scale).await?;
        pool.close().await;
        println!("generated {scale:?} in {:.1} s", started.elapsed().as_secs_f64());
    }
    println!(
        "{:<16} {:>12} {:>10} {:>9} {:>12} {:>14}",
        "job", "rows read", "written", "seconds", "rows/s", "peak RSS (MiB)"
    );
    for job in Job::ALL {
        let out = tmp.path().join("out");
        let output = std::process::Command::new(std::env::current_exe()?)
            .args([
                "--child-db",
                &db.display().to_string(),
                "--child-job",
                job.name(),
                "--child-out",
                &out.display().to_string(),
            ])
            .output()?;
        anyhow::ensure!(output.status.success(), "{}: {}", job.name(), String::from_utf8_lossy(&output.stderr));
        let line = String::from_utf8_lossy(&output.stdout);
        let f: Vec<f64> = line.split_whitespace().filter_map(|v| v.parse().ok()).collect();
        anyhow::ensure!(f.len() == 4, "unexpected child output {line:?}");
        println!("{:<16} {:>12} {:>10} {:>9.2} {:>12.0} {:>14.0}", job.name(), f[0], f[1], f[2], f[0] / f[2], f[3]);
    }
    Ok(())
}
