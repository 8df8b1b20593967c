//! The three jobs and how one run goes: record the run, stage the window's rows, run the lazy
//! plans, replace the window's Parquet folders, load the read-back tables, record the outcome.

mod daily;
mod exprs;
mod monthly;
#[cfg(test)]
mod testing;
mod weekly;

use std::time::{Duration, Instant};

use anyhow::Context;
use polars::prelude::{DataFrame, Engine, LazyFrame};
use sqlx::AnyPool;

pub use self::weekly::outputs as weekly_outputs;
pub use self::{daily::outputs as daily_outputs, monthly::outputs as monthly_outputs};
use crate::progress::Progress;
use crate::runs::{self, Trigger};
use crate::storage::Storage;
use crate::window::{self, Date, Month, Window};
use crate::{input, parquet, readback};

/// A batch job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Job {
    /// Anomalies of one day by exam, user and hour.
    DailyAnomalies,
    /// Graded attempts of one week: exam statistics, question difficulty, trends, turnaround.
    WeeklyGrades,
    /// Students of one month: profiles, tiers, risk, rankings.
    MonthlyUsers,
}

impl Job {
    /// Every job, in schedule order.
    pub const ALL: [Job; 3] = [Job::DailyAnomalies, Job::WeeklyGrades, Job::MonthlyUsers];

    /// The command-line and database name.
    pub fn name(self) -> &'static str {
        match self {
            Job::DailyAnomalies => "daily-anomalies",
            Job::WeeklyGrades => "weekly-grades",
            Job::MonthlyUsers => "monthly-users",
        }
    }

    /// Parses a job name.
    pub fn parse(name: &str) -> Option<Job> {
        Job::ALL.into_iter().find(|j| j.name() == name)
    }

    /// The window the prototype processes when run on `today` (yesterday, last full week, last month).
    pub fn default_period(self, today: Date) -> Period {
        match self {
            Job::DailyAnomalies => Period::Day(window::default_day(today)),
            Job::WeeklyGrades => Period::Week(window::default_week_start(today)),
            Job::MonthlyUsers => Period::Month(window::default_month(today)),
        }
    }
}

/// The window a run covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// One UTC day.
    Day(Date),
    /// Seven days from this start.
    Week(Date),
    /// One calendar month.
    Month(Month),
}

impl Period {
    /// `YYYY-MM-DD` or `YYYY-MM`.
    pub fn label(self) -> String {
        match self {
            Period::Day(d) | Period::Week(d) => d.to_string(),
            Period::Month(m) => m.to_string(),
        }
    }

    /// Its time window.
    pub fn window(self) -> Window {
        match self {
            Period::Day(d) => window::day_window(d),
            Period::Week(d) => window::week_window(d),
            Period::Month(m) => m.window(),
        }
    }

    fn fits(self, job: Job) -> bool {
        matches!(
            (job, self),
            (Job::DailyAnomalies, Period::Day(_))
                | (Job::WeeklyGrades, Period::Week(_))
                | (Job::MonthlyUsers, Period::Month(_))
        )
    }
}

/// What a run did.
#[derive(Clone, Debug)]
pub struct JobReport {
    /// The job.
    pub job: Job,
    /// Its window.
    pub period: Period,
    /// Rows read from the database.
    pub rows_read: u64,
    /// Rows written to Parquet, over all outputs.
    pub rows_written: u64,
    /// Each output folder and its row count.
    pub outputs: Vec<(String, u64)>,
    /// Where the outputs went.
    pub storage: String,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl JobReport {
    /// The one-line summary printed at the end of a run.
    pub fn summary(&self) -> String {
        format!(
            "{} {}: {} rows read, {} rows written to {} folders on {}, in {:.1} s",
            self.job.name(),
            self.period.label(),
            self.rows_read,
            self.rows_written,
            self.outputs.len(),
            self.storage,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Runs `job` over `period`, recording the run in `batch_runs`; the error (also recorded) says
/// what failed. Fails at once when the database is unreachable.
pub async fn run_job(
    pool: &AnyPool,
    storage: &dyn Storage,
    job: Job,
    period: Period,
    trigger: Trigger,
    progress: &Progress,
) -> anyhow::Result<JobReport> {
    anyhow::ensure!(period.fits(job), "{} does not take a period like {}", job.name(), period.label());
    let run_id = runs::start(pool, job, &period.label(), trigger).await.context("cannot record the run")?;
    run_recorded(pool, storage, job, period, &run_id, progress).await
}

/// Like [`run_job`] for a run already recorded as started (`runs::start`), so a caller can
/// record it before handing the work to a background task.
pub async fn run_recorded(
    pool: &AnyPool,
    storage: &dyn Storage,
    job: Job,
    period: Period,
    run_id: &str,
    progress: &Progress,
) -> anyhow::Result<JobReport> {
    let outcome = execute(pool, storage, job, period, progress).await;
    progress.finish();
    match &outcome {
        Ok(report) => runs::succeed(pool, run_id, report).await?,
        Err(e) => {
            if let Err(record) = runs::fail(pool, run_id, &format!("{e:#}")).await {
                tracing::warn!(error = %record, "could not record the failed run");
            }
        }
    }
    outcome
}

async fn execute(
    pool: &AnyPool,
    storage: &dyn Storage,
    job: Job,
    period: Period,
    progress: &Progress,
) -> anyhow::Result<JobReport> {
    let started = Instant::now();
    let window = period.window();
    progress.step(format!("{} {}: reading", job.name(), period.label()));
    let (staged, plans) = match (job, period) {
        (Job::DailyAnomalies, Period::Day(day)) => {
            let a = input::anomalies(pool, window, progress).await?;
            let plans = daily::outputs(a.scan()?, day)
                .into_iter()
                .map(|(kind, lf)| (window::anomaly_report_dir(day, kind), lf))
                .collect();
            (vec![a], plans)
        }
        (Job::WeeklyGrades, Period::Week(start)) => {
            let s = input::submissions(pool, window, true, progress).await?;
            let a = input::answers(pool, window, progress).await?;
            let plans = weekly::outputs(s.scan()?, a.scan()?, start)
                .into_iter()
                .map(|(table, lf)| (window::grading_results_dir(start, table), lf))
                .collect();
            (vec![s, a], plans)
        }
        (Job::MonthlyUsers, Period::Month(month)) => {
            let s = input::submissions(pool, window, false, progress).await?;
            let a = input::anomalies(pool, window, progress).await?;
            let plans = monthly::outputs(s.scan()?, a.scan()?, month)
                .into_iter()
                .map(|(table, lf)| (window::user_performance_dir(month.year, month.month, table), lf))
                .collect();
            (vec![s, a], plans)
        }
        _ => anyhow::bail!("{} does not take a period like {}", job.name(), period.label()),
    };
    let rows_read = staged.iter().map(|s| s.rows).sum();
    progress.step(format!("{} {}: aggregating", job.name(), period.label()));
    let frames = tokio::task::spawn_blocking(move || collect_all(plans)).await.context("aggregation panicked")??;
    drop(staged);
    progress.step(format!("{} {}: writing", job.name(), period.label()));
    let mut outputs = Vec::new();
    for (dir, mut frame) in frames.clone() {
        let bytes = parquet::encode(&mut frame)?;
        storage
            .replace_dir(&dir, vec![(parquet::PART.into(), bytes)])
            .await
            .with_context(|| format!("writing {dir}"))?;
        outputs.push((dir, frame.height() as u64));
    }
    readback::load(pool, job, period, &frames).await.context("loading the results into the analytics tables")?;
    Ok(JobReport {
        job,
        period,
        rows_read,
        rows_written: outputs.iter().map(|(_, n)| n).sum(),
        outputs,
        storage: storage.describe(),
        elapsed: started.elapsed(),
    })
}

fn collect_all(plans: Vec<(String, LazyFrame)>) -> anyhow::Result<Vec<(String, DataFrame)>> {
    plans
        .into_iter()
        .map(|(dir, lf)| {
            let df = lf.collect_with_engine(Engine::Streaming).map(|r| r.unwrap_single());
            Ok((dir.clone(), df.with_context(|| format!("computing {dir}"))?))
        })
        .collect()
}
