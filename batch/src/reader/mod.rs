//! Fast reading of a job's input. The window is cut into time slices (one per core, at most
//! [`MAX_READERS`]) read at the same time, each on its own native SQLite or MariaDB connection
//! opened from the pool's URL — the `Any` driver would copy every value twice — and each staged
//! as its own Parquet file (LZ4: written fast, read once). The slices cover the window exactly,
//! so together they hold every row once. MariaDB rows stream from the socket; SQLite rows come
//! in pages of JSON ([`json`]), each page a sub-slice of the slice.

mod json;
mod rows;

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Context;
use futures_util::TryStreamExt;
use polars::prelude::{LazyFrame, ParquetCompression, ParquetWriter, PlRefPath, ScanArgsParquet};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AnyPool, ConnectOptions, Connection};

use self::rows::{CHUNK_ROWS, Chunk, schema};
pub use self::rows::{Columns, Kind};
use crate::progress::Progress;
use crate::window::Window;

/// Most slices read at once.
pub const MAX_READERS: usize = 8;

/// Pages each SQLite slice is read in ([`json`]): a day of 10 M anomalies gives pages of about
/// 20 000 rows, 2 MB of JSON.
const SQLITE_PAGES_PER_SLICE: usize = 256;

/// Bytes gathered before each write to a staging file (the Parquet writer writes in small pieces).
const WRITE_BUFFER: usize = 1 << 20;

/// SQLite page cache of each reader, in KiB (`PRAGMA cache_size` takes negative KiB).
const SQLITE_CACHE_KIB: i64 = 64 * 1024;

/// An input staged as Parquet files; they go away with this value.
pub struct Staged {
    _dir: tempfile::TempDir,
    paths: Vec<PathBuf>,
    /// Rows read from the database.
    pub rows: u64,
}

impl Staged {
    /// The staged files, one per slice.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// A lazy scan of the staged rows.
    pub fn scan(&self) -> anyhow::Result<LazyFrame> {
        let paths = self
            .paths
            .iter()
            .map(|p| p.to_str().map(PlRefPath::from).context("staging path is not UTF-8"))
            .collect::<anyhow::Result<Vec<_>>>()?;
        LazyFrame::scan_parquet_files(paths.into_iter().collect(), ScanArgsParquet::default())
            .context("scanning staged input")
    }
}

/// Where the rows come from: the pool's database, through its native driver.
#[derive(Clone, Debug)]
enum Source {
    Sqlite(SqliteConnectOptions),
    MySql(MySqlConnectOptions),
}

impl Source {
    fn of(pool: &AnyPool) -> anyhow::Result<Self> {
        let url = pool.connect_options().database_url.clone();
        match url.scheme() {
            "sqlite" => {
                let options = SqliteConnectOptions::from_url(&url)
                    .or_else(|_| SqliteConnectOptions::from_str(url.as_str()))
                    .context("reading the SQLite URL")?;
                let name = options.get_filename().to_string_lossy();
                anyhow::ensure!(
                    !name.is_empty() && name != ":memory:" && !url.query().unwrap_or_default().contains("mode=memory"),
                    "the batch jobs read a SQLite database file, not an in-memory database"
                );
                let options = options.read_only(true).pragma("cache_size", (-SQLITE_CACHE_KIB).to_string());
                Ok(Source::Sqlite(options))
            }
            "mysql" | "mariadb" => {
                let mut url = url;
                url.set_scheme("mysql").ok();
                Ok(Source::MySql(MySqlConnectOptions::from_url(&url).context("reading the MariaDB URL")?))
            }
            other => anyhow::bail!("the batch jobs read SQLite or MariaDB, not {other}"),
        }
    }
}

/// Reads every row `sql` returns for `window` (its two parameters are the slice's bounds) into
/// staged Parquet files with `columns`.
pub async fn stage(
    pool: &AnyPool,
    sql: &str,
    window: Window,
    columns: Columns,
    progress: &Progress,
) -> anyhow::Result<Staged> {
    let source = Source::of(pool)?;
    let readers = readers()?;
    let dir = tempfile::Builder::new().prefix("proctorwise-batch-").tempdir().context("creating a staging folder")?;
    let slices = slices(window, readers);
    let mut tasks = Vec::with_capacity(slices.len());
    let mut paths = Vec::with_capacity(slices.len());
    for (n, slice) in slices.into_iter().enumerate() {
        let path = dir.path().join(format!("slice-{n:02}.parquet"));
        let job = read_slice(source.clone(), sql.to_owned(), slice, columns, path.clone(), progress.clone());
        tasks.push(tokio::spawn(job));
        paths.push(path);
    }
    let mut rows = 0;
    for task in tasks {
        rows += task.await.context("a reader panicked")??;
    }
    Ok(Staged { _dir: dir, paths, rows })
}

/// How many slices to read at once: `PROCTORWISE_BATCH_READERS`, by default one per core (at
/// most [`MAX_READERS`]); a value that is not a number from 1 to 8 stops the job with a message.
fn readers() -> anyhow::Result<usize> {
    match std::env::var("PROCTORWISE_BATCH_READERS") {
        Ok(v) => parse_readers(&v),
        Err(_) => Ok(std::thread::available_parallelism().map_or(1, usize::from).clamp(1, MAX_READERS)),
    }
}

fn parse_readers(value: &str) -> anyhow::Result<usize> {
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_READERS).contains(&n) => Ok(n),
        _ => anyhow::bail!("PROCTORWISE_BATCH_READERS must be a number from 1 to {MAX_READERS}, not {value:?}"),
    }
}

/// `window` cut into `n` consecutive slices covering it exactly (fewer when it is very short).
fn slices(window: Window, n: usize) -> Vec<Window> {
    let length = (window.end_ms - window.start_ms).max(0);
    let n = (n as i64).clamp(1, length.max(1));
    (0..n)
        .map(|i| Window {
            start_ms: window.start_ms + length * i / n,
            end_ms: if i + 1 == n { window.end_ms } else { window.start_ms + length * (i + 1) / n },
        })
        .collect()
}

async fn read_slice(
    source: Source,
    sql: String,
    slice: Window,
    columns: Columns,
    path: PathBuf,
    progress: Progress,
) -> anyhow::Result<u64> {
    let mut out = Output::create(&path, columns)?;
    match source {
        Source::Sqlite(options) => {
            let mut conn = SqliteConnection::connect_with(&options).await?;
            let paged = json::paged_sql(&sql, columns);
            for page in slices(slice, SQLITE_PAGES_PER_SLICE) {
                let rows: String =
                    sqlx::query_scalar(&paged).bind(page.start_ms).bind(page.end_ms).fetch_one(&mut conn).await?;
                out.chunk.push_json(&rows)?;
                out.flush_if_full(&progress)?;
            }
        }
        Source::MySql(options) => {
            let mut conn = MySqlConnection::connect_with(&options).await?;
            let mut rows = sqlx::query(&sql).bind(slice.start_ms).bind(slice.end_ms).fetch(&mut conn);
            while let Some(row) = rows.try_next().await? {
                out.chunk.push(&row)?;
                out.flush_if_full(&progress)?;
            }
        }
    }
    out.finish(&progress)
}

/// One slice's staging file and the chunk being gathered for it.
struct Output {
    writer: polars::io::parquet::write::BatchedWriter<BufWriter<File>>,
    chunk: Chunk,
    rows: u64,
}

impl Output {
    fn create(path: &Path, columns: Columns) -> anyhow::Result<Self> {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let writer = ParquetWriter::new(BufWriter::with_capacity(WRITE_BUFFER, file))
            .with_compression(ParquetCompression::Lz4Raw)
            .batched(&schema(columns))?;
        Ok(Self { writer, chunk: Chunk::new(columns), rows: 0 })
    }

    fn flush_if_full(&mut self, progress: &Progress) -> anyhow::Result<()> {
        if self.chunk.len >= CHUNK_ROWS {
            self.flush(progress)?;
        }
        Ok(())
    }

    fn flush(&mut self, progress: &Progress) -> anyhow::Result<()> {
        let n = self.chunk.len as u64;
        self.writer.write_batch(&self.chunk.take()?)?;
        self.rows += n;
        progress.rows(n);
        Ok(())
    }

    /// Writes the last rows (an empty slice still gets a file with the schema).
    fn finish(mut self, progress: &Progress) -> anyhow::Result<u64> {
        if self.chunk.len > 0 || self.rows == 0 {
            self.flush(progress)?;
        }
        self.writer.finish()?;
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_the_window_exactly_once() {
        let w = Window { start_ms: 1_000, end_ms: 87_401_003 };
        for n in [1, 2, 3, 7, 8] {
            let s = slices(w, n);
            assert_eq!(s.len(), n);
            assert_eq!(s[0].start_ms, w.start_ms);
            assert_eq!(s[n - 1].end_ms, w.end_ms);
            assert!(s.windows(2).all(|p| p[0].end_ms == p[1].start_ms && p[0].start_ms < p[0].end_ms));
        }
        assert_eq!(slices(Window { start_ms: 5, end_ms: 7 }, 8).len(), 2, "no empty slices");
    }

    #[test]
    fn reader_counts_outside_one_to_eight_are_refused() {
        assert_eq!(parse_readers(" 3 ").expect("a count"), 3);
        for bad in ["0", "9", "two", ""] {
            let err = parse_readers(bad).expect_err(bad).to_string();
            assert!(err.contains("PROCTORWISE_BATCH_READERS must be a number from 1 to 8"), "{err}");
        }
    }
}
