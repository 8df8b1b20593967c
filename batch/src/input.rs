//! Job inputs: every row of a window read from the application database (one streamed query,
//! no LIMIT) and staged as a Parquet file in a private temporary folder, so the jobs scan it
//! lazily and nothing but a chunk of rows sits in memory while reading.
//!
//! The SQL of each input is here and nowhere else. Anomalies come from the monitoring context's
//! tables: `monitoring_anomalies` (kind, severity, `detected_at` in UTC ms, confidence in
//! permille) joined to `monitoring_sessions` for the student. Only anomalies that count are read
//! ([`COUNTED`], the same filter as the admin dashboard): false alarms a proctor dismissed or the
//! server's re-verification rejected, and the derived `high_risk_alert`, are left out.

use std::path::PathBuf;

use anyhow::Context;
use futures_util::TryStreamExt;
use polars::prelude::{
    Column, DataFrame, DataType, Field, LazyFrame, ParquetWriter, PlRefPath, PlSmallStr, ScanArgsParquet, Schema,
};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use crate::progress::Progress;
use crate::window::Window;

/// Rows buffered before they are appended to the staging file.
const CHUNK_ROWS: usize = 65_536;

/// Anomalies that count (alias `m` for `monitoring_anomalies`). The server's monitoring stats
/// use the very same condition; a server test checks that they agree.
pub const COUNTED: &str = "m.review <> 'dismissed' AND m.verification <> 'rejected' AND m.kind <> 'high_risk_alert'";

/// The day's (or month's) anomalies that count, with their student.
pub fn anomalies_sql() -> String {
    format!(
        "SELECT m.exam_id, s.student_id AS user_id, m.kind, m.severity, m.detected_at, \
         m.confidence_permille AS confidence FROM monitoring_anomalies m \
         JOIN monitoring_sessions s ON s.id = m.session_id \
         WHERE m.detected_at >= ? AND m.detected_at < ? AND {COUNTED}"
    )
}

const ANOMALY_COLUMNS: &[(&str, Kind)] = &[
    ("exam_id", Kind::Text),
    ("user_id", Kind::Text),
    ("kind", Kind::Text),
    ("severity", Kind::Text),
    ("detected_at", Kind::Int),
    ("confidence", Kind::Permille),
];

/// Submitted attempts of the window; `graded_only` keeps graded ones (weekly job). `graded_by`
/// is `mixed` when a person graded any answer, else `auto` (the prototype's values).
pub fn submissions_sql(graded_only: bool) -> String {
    format!(
        "SELECT t.id AS attempt_id, t.student_id AS user_id, t.exam_id, t.submitted_at, t.graded_at, \
         t.score_hundredths, t.max_score_hundredths, t.passed, \
         CASE WHEN EXISTS (SELECT 1 FROM answers g WHERE g.attempt_id = t.id AND g.graded_by IS NOT NULL) \
         THEN 'mixed' ELSE 'auto' END AS graded_by \
         FROM attempts t WHERE t.status = 'submitted'{} AND t.submitted_at >= ? AND t.submitted_at < ?",
        if graded_only { " AND t.grading_status = 'graded'" } else { "" }
    )
}

const SUBMISSION_COLUMNS: &[(&str, Kind)] = &[
    ("attempt_id", Kind::Text),
    ("user_id", Kind::Text),
    ("exam_id", Kind::Text),
    ("submitted_at", Kind::Int),
    ("graded_at", Kind::Int),
    ("score_hundredths", Kind::Int),
    ("max_score_hundredths", Kind::Int),
    ("passed", Kind::Int),
    ("graded_by", Kind::Text),
];

/// Answers of the graded attempts submitted in the window, with their question's kind and points.
pub const ANSWERS_SQL: &str = "SELECT a.question_id, q.kind AS question_type, a.score_hundredths, \
     q.points_hundredths FROM answers a JOIN attempts t ON t.id = a.attempt_id \
     JOIN questions q ON q.id = a.question_id \
     WHERE t.status = 'submitted' AND t.grading_status = 'graded' AND t.submitted_at >= ? AND t.submitted_at < ?";

const ANSWER_COLUMNS: &[(&str, Kind)] = &[
    ("question_id", Kind::Text),
    ("question_type", Kind::Text),
    ("score_hundredths", Kind::Int),
    ("points_hundredths", Kind::Int),
];

/// Column types of staged inputs (integers and floats may be NULL).
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Int,
    /// An integer in thousandths in the database, a 0–1 float in the staged input.
    Permille,
}

enum Buffer {
    Text(Vec<String>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
}

/// An input staged as Parquet; the file goes away with this value.
pub struct Staged {
    _dir: tempfile::TempDir,
    path: PathBuf,
    /// Rows read from the database.
    pub rows: u64,
}

impl Staged {
    /// A lazy scan of the staged rows.
    pub fn scan(&self) -> anyhow::Result<LazyFrame> {
        let path = self.path.to_str().context("staging path is not UTF-8")?;
        LazyFrame::scan_parquet(PlRefPath::from(path), ScanArgsParquet::default()).context("scanning staged input")
    }
}

/// The anomalies detected in `window`.
pub async fn anomalies(pool: &AnyPool, window: Window, progress: &Progress) -> anyhow::Result<Staged> {
    stage(pool, &anomalies_sql(), window, ANOMALY_COLUMNS, progress).await.context("reading anomalies")
}

/// The attempts submitted in `window` (only graded ones when `graded_only`).
pub async fn submissions(
    pool: &AnyPool,
    window: Window,
    graded_only: bool,
    progress: &Progress,
) -> anyhow::Result<Staged> {
    stage(pool, &submissions_sql(graded_only), window, SUBMISSION_COLUMNS, progress).await.context("reading attempts")
}

/// The answers of graded attempts submitted in `window`.
pub async fn answers(pool: &AnyPool, window: Window, progress: &Progress) -> anyhow::Result<Staged> {
    stage(pool, ANSWERS_SQL, window, ANSWER_COLUMNS, progress).await.context("reading answers")
}

fn new_buffers(columns: &[(&str, Kind)]) -> Vec<Buffer> {
    columns
        .iter()
        .map(|(_, k)| match k {
            Kind::Text => Buffer::Text(Vec::with_capacity(CHUNK_ROWS)),
            Kind::Int => Buffer::Int(Vec::with_capacity(CHUNK_ROWS)),
            Kind::Permille => Buffer::Float(Vec::with_capacity(CHUNK_ROWS)),
        })
        .collect()
}

fn schema(columns: &[(&str, Kind)]) -> Schema {
    columns
        .iter()
        .map(|(name, k)| {
            let dtype = match k {
                Kind::Text => DataType::String,
                Kind::Int => DataType::Int64,
                Kind::Permille => DataType::Float64,
            };
            Field::new((*name).into(), dtype)
        })
        .collect()
}

/// Text from SQLite (TEXT) or MariaDB (TEXT arrives as a blob through the Any driver).
fn text(row: &AnyRow, i: usize) -> anyhow::Result<String> {
    if let Ok(s) = row.try_get::<Option<String>, _>(i) {
        return Ok(s.unwrap_or_default());
    }
    let bytes: Option<Vec<u8>> = row.try_get(i)?;
    Ok(String::from_utf8(bytes.unwrap_or_default())?)
}

fn permille(row: &AnyRow, i: usize) -> anyhow::Result<Option<f64>> {
    Ok(row.try_get::<Option<i64>, _>(i)?.map(|v| v as f64 / 1000.0))
}

fn push(buffers: &mut [Buffer], row: &AnyRow) -> anyhow::Result<()> {
    for (i, buffer) in buffers.iter_mut().enumerate() {
        match buffer {
            Buffer::Text(v) => v.push(text(row, i)?),
            Buffer::Int(v) => v.push(row.try_get::<Option<i64>, _>(i)?),
            Buffer::Float(v) => v.push(permille(row, i)?),
        }
    }
    Ok(())
}

fn take_frame(columns: &[(&str, Kind)], buffers: &mut [Buffer]) -> anyhow::Result<DataFrame> {
    let cols: Vec<Column> = columns
        .iter()
        .zip(buffers.iter_mut())
        .map(|((name, _), b)| {
            let name = PlSmallStr::from(*name);
            match b {
                Buffer::Text(v) => Column::new(name, std::mem::take(v)),
                Buffer::Int(v) => Column::new(name, std::mem::take(v)),
                Buffer::Float(v) => Column::new(name, std::mem::take(v)),
            }
        })
        .collect();
    Ok(DataFrame::new_infer_height(cols)?)
}

async fn stage(
    pool: &AnyPool,
    sql: &str,
    window: Window,
    columns: &[(&str, Kind)],
    progress: &Progress,
) -> anyhow::Result<Staged> {
    let dir = tempfile::Builder::new().prefix("proctorwise-batch-").tempdir().context("creating a staging folder")?;
    let path = dir.path().join("input.parquet");
    let file = std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = ParquetWriter::new(file).batched(&schema(columns))?;
    let mut buffers = new_buffers(columns);
    let (mut rows, mut pending) = (0u64, 0usize);
    let mut stream = sqlx::query(sql).bind(window.start_ms).bind(window.end_ms).fetch(pool);
    while let Some(row) = stream.try_next().await? {
        push(&mut buffers, &row)?;
        pending += 1;
        if pending == CHUNK_ROWS {
            writer.write_batch(&take_frame(columns, &mut buffers)?)?;
            rows += pending as u64;
            progress.rows(pending as u64);
            pending = 0;
        }
    }
    if pending > 0 || rows == 0 {
        writer.write_batch(&take_frame(columns, &mut buffers)?)?;
        rows += pending as u64;
        progress.rows(pending as u64);
    }
    writer.finish()?;
    Ok(Staged { _dir: dir, path, rows })
}
