//! Parquet encoding of result tables (in memory: results are aggregates) and decoding for
//! read-back and tests.

use std::io::Cursor;

use anyhow::Context;
use bytes::Bytes;
use polars::prelude::{DataFrame, ParquetReader, ParquetWriter, SerReader};

use crate::storage::Storage;

/// Name of the one file each output folder holds.
pub const PART: &str = "part-00000.parquet";

/// Encodes a table as Parquet (Zstd).
pub fn encode(df: &mut DataFrame) -> anyhow::Result<Bytes> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(df).context("encoding Parquet")?;
    Ok(Bytes::from(buf))
}

/// Decodes a Parquet file.
pub fn decode(bytes: Bytes) -> anyhow::Result<DataFrame> {
    ParquetReader::new(Cursor::new(bytes)).finish().context("decoding Parquet")
}

/// Reads the table a job wrote into `dir`.
pub async fn read_output(storage: &dyn Storage, dir: &str) -> anyhow::Result<DataFrame> {
    decode(storage.read(&format!("{dir}/{PART}")).await?)
}
