//! The polars half of the Spark comparison (`batch/bench/spark-compare.sh`): stages the
//! generated day's anomalies from a database made by `batch_bench`, copies the staged Parquet
//! files to `OUT/input` for Spark, then times the daily aggregation alone over those files.
//!
//! ```text
//! cargo run -p proctorwise-batch --example daily_compare -- --db PATH --out DIR
//! ```
//! Prints `staging: N rows in S s` and `polars aggregation: N rows in S s`.

use std::time::Instant;

use anyhow::Context;
use proctorwise_batch::demo::Scale;
use proctorwise_batch::jobs::daily_outputs;
use proctorwise_batch::polars::prelude::{Engine, LazyFrame, PlRefPath, ScanArgsParquet};
use proctorwise_batch::progress::Progress;
use proctorwise_batch::{input, parquet};
use sqlx::any::AnyPoolOptions;

fn arg(name: &str) -> anyhow::Result<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name).with_context(|| format!("{name} is required"))?;
    args.get(i + 1).cloned().with_context(|| format!("{name} needs a value"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (db, out) = (arg("--db")?, std::path::PathBuf::from(arg("--out")?));
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new().max_connections(1).connect(&format!("sqlite://{db}?mode=ro")).await?;
    let day = Scale::DAY;
    let started = Instant::now();
    let staged = input::anomalies(&pool, proctorwise_batch::window::day_window(day), &Progress::hidden()).await?;
    println!("staging: {} rows in {:.1} s", staged.rows, started.elapsed().as_secs_f64());
    let input_dir = out.join("input");
    std::fs::create_dir_all(&input_dir)?;
    let mut copies = Vec::new();
    for path in staged.paths() {
        let copy = input_dir.join(path.file_name().context("staged file name")?);
        std::fs::copy(path, &copy)?;
        copies.push(PlRefPath::from(copy.to_str().context("UTF-8 path")?));
    }
    drop(staged);
    let started = Instant::now();
    let scan = LazyFrame::scan_parquet_files(copies.into_iter().collect(), ScanArgsParquet::default())?;
    let mut rows = 0;
    for (kind, plan) in daily_outputs(scan, day) {
        let mut frame = plan.collect_with_engine(Engine::Streaming)?.unwrap_single();
        let bytes = parquet::encode(&mut frame)?;
        std::fs::write(out.join(format!("polars-{kind}.parquet")), bytes)?;
        rows += frame.height();
    }
    println!("polars aggregation: {rows} rows in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
