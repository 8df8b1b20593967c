//! Reading result columns into plain Rust values (read-back into the database, tests).

use polars::prelude::*;

/// A column as optional integers (any integer type is cast to Int64).
pub fn i64s(df: &DataFrame, name: &str) -> anyhow::Result<Vec<Option<i64>>> {
    let c = df.column(name).map_err(|e| anyhow::anyhow!("no column {name}: {e}"))?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

/// A column as optional floats.
pub fn f64s(df: &DataFrame, name: &str) -> anyhow::Result<Vec<Option<f64>>> {
    let c = df.column(name).map_err(|e| anyhow::anyhow!("no column {name}: {e}"))?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

/// A column as optional strings.
pub fn strs(df: &DataFrame, name: &str) -> anyhow::Result<Vec<Option<String>>> {
    let c = df.column(name).map_err(|e| anyhow::anyhow!("no column {name}: {e}"))?.cast(&DataType::String)?;
    Ok(c.str()?.iter().map(|v| v.map(str::to_owned)).collect())
}

/// Hundredths of a float (73.456 → 7346), for portable integer storage.
pub fn hundredths(v: f64) -> i64 {
    (v * 100.0).round() as i64
}
