//! ProctorWise batch analytics: the prototype's three Spark jobs rewritten with polars' lazy API.
//!
//! Each job reads every row of its window from the application database (SQLite or MariaDB),
//! stages them as Parquet on local disk ([`input`]), runs lazy aggregations over those staging files, writes
//! the result tables as Parquet in the prototype's layout on the configured [`storage`] (local or
//! HDFS), replacing the window's folder atomically, then loads the figures people look at into
//! the analytics tables ([`readback`]) and records the run ([`runs`]).

pub mod columns;
pub mod dburl;
pub mod demo;
pub mod input;
pub mod jobs;
pub mod maintenance;
pub mod parquet;
pub mod progress;
pub mod readback;
mod reader;
pub mod runs;
pub mod storage;
pub mod window;

pub use jobs::{Job, JobReport, Period, run_job, run_recorded};
pub use polars;
pub use storage::{LocalStorage, Storage};
pub use window::{Date, Month, Window};
