//! Rows to columns: each reader appends the values of its rows to polars builders, borrowing text
//! from the driver's row (no copy per value), and hands over a chunk every [`CHUNK_ROWS`] rows.

use polars::prelude::{
    ChunkedBuilder, Column, DataFrame, DataType, Field, Int64Type, IntoColumn, IntoSeries, PlSmallStr,
    PrimitiveChunkedBuilder, Schema, StringChunkedBuilder,
};
use sqlx::{ColumnIndex, Decode, Row, Type};

/// Rows buffered before they are appended to the staging file.
pub const CHUNK_ROWS: usize = 65_536;

/// Column types of staged inputs (every type may be NULL).
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// Text (MariaDB may send it as bytes; it must be UTF-8).
    Text,
    /// A 64-bit integer.
    Int,
    /// An integer in thousandths in the database, a 0–1 float in the staged input.
    Permille,
}

/// The staged columns of one input: name and type.
pub type Columns = &'static [(&'static str, Kind)];

/// The Parquet schema of `columns`.
pub fn schema(columns: Columns) -> Schema {
    columns
        .iter()
        .map(|(name, kind)| {
            let dtype = match kind {
                Kind::Text => DataType::String,
                Kind::Int => DataType::Int64,
                Kind::Permille => DataType::Float64,
            };
            Field::new((*name).into(), dtype)
        })
        .collect()
}

pub(super) enum Builder {
    Text(StringChunkedBuilder),
    Int(PrimitiveChunkedBuilder<Int64Type>),
    Float(Vec<Option<f64>>),
}

/// A chunk of rows being gathered.
pub struct Chunk {
    columns: Columns,
    pub(super) builders: Vec<Builder>,
    /// Rows appended since the last [`Chunk::take`].
    pub len: usize,
}

impl Chunk {
    /// An empty chunk.
    pub fn new(columns: Columns) -> Self {
        Self { columns, builders: builders(columns), len: 0 }
    }

    /// Appends one row, whose columns are in the order of `columns`.
    pub fn push<'r, R>(&mut self, row: &'r R) -> anyhow::Result<()>
    where
        R: Row,
        usize: ColumnIndex<R>,
        &'r str: Decode<'r, R::Database> + Type<R::Database>,
        &'r [u8]: Decode<'r, R::Database> + Type<R::Database>,
        i64: Decode<'r, R::Database> + Type<R::Database>,
    {
        for (i, builder) in self.builders.iter_mut().enumerate() {
            match builder {
                Builder::Text(b) => b.append_option(text(row, i)?),
                Builder::Int(b) => b.append_option(row.try_get::<Option<i64>, _>(i)?),
                Builder::Float(b) => b.push(row.try_get::<Option<i64>, _>(i)?.map(|v| v as f64 / 1000.0)),
            }
        }
        self.len += 1;
        Ok(())
    }

    /// The gathered rows as a frame; the chunk starts over empty.
    pub fn take(&mut self) -> anyhow::Result<DataFrame> {
        let builders = std::mem::replace(&mut self.builders, builders(self.columns));
        self.len = 0;
        let cols: Vec<Column> = self
            .columns
            .iter()
            .zip(builders)
            .map(|((name, _), builder)| match builder {
                Builder::Text(b) => b.finish().into_series().into_column(),
                Builder::Int(b) => b.finish().into_series().into_column(),
                Builder::Float(v) => Column::new(PlSmallStr::from(*name), v),
            })
            .collect();
        Ok(DataFrame::new_infer_height(cols)?)
    }
}

fn builders(columns: Columns) -> Vec<Builder> {
    columns
        .iter()
        .map(|(name, kind)| {
            let name = PlSmallStr::from(*name);
            match kind {
                Kind::Text => Builder::Text(StringChunkedBuilder::new(name, CHUNK_ROWS)),
                Kind::Int => Builder::Int(PrimitiveChunkedBuilder::new(name, CHUNK_ROWS)),
                Kind::Permille => Builder::Float(Vec::with_capacity(CHUNK_ROWS)),
            }
        })
        .collect()
}

/// Text borrowed from the row: SQLite TEXT, MariaDB text, or MariaDB bytes holding UTF-8.
fn text<'r, R>(row: &'r R, i: usize) -> anyhow::Result<Option<&'r str>>
where
    R: Row,
    usize: ColumnIndex<R>,
    &'r str: Decode<'r, R::Database> + Type<R::Database>,
    &'r [u8]: Decode<'r, R::Database> + Type<R::Database>,
{
    if let Ok(s) = row.try_get::<Option<&str>, _>(i) {
        return Ok(s);
    }
    let bytes: Option<&[u8]> = row.try_get(i)?;
    Ok(bytes.map(std::str::from_utf8).transpose()?)
}
