//! Expression helpers shared by the jobs.

use polars::prelude::*;

/// How many rows have `column == value` (an Int64 count).
pub fn count_eq(column: &str, value: &str, alias: &str) -> Expr {
    col(column).eq(lit(value)).cast(DataType::Int64).sum().alias(alias)
}

/// How many rows have `column == value` for an integer column.
pub fn count_int_eq(column: &str, value: i64, alias: &str) -> Expr {
    col(column).eq(lit(value)).cast(DataType::Int64).sum().alias(alias)
}

/// Rows in the group, as Int64.
pub fn count_rows(alias: &str) -> Expr {
    len().cast(DataType::Int64).alias(alias)
}

/// A percentage `part * 100 / whole` (Float64, NULL when whole is 0 or NULL).
pub fn percent(part: Expr, whole: Expr) -> Expr {
    let whole = whole.cast(DataType::Float64);
    when(whole.clone().gt(lit(0.0)))
        .then(part.cast(DataType::Float64) * lit(100.0) / whole)
        .otherwise(lit(NULL).cast(DataType::Float64))
}

/// A score quantile that is one of the scores, like Spark's `percentile_approx` (the smallest
/// value with at least `q` of the scores at or below it).
pub fn score_quantile(column: &str, q: f64, alias: &str) -> Expr {
    col(column).quantile(lit(q), QuantileMethod::Equiprobable).alias(alias)
}

/// The UTC calendar day of a millisecond timestamp, as a Parquet DATE.
pub fn day_of(ms: Expr) -> Expr {
    ms.floor_div(lit(86_400_000i64)).cast(DataType::Int32).cast(DataType::Date)
}

/// Sort options: `descending` per column, nulls last, stable.
pub fn sort_opts(descending: &[bool]) -> SortMultipleOptions {
    SortMultipleOptions::default()
        .with_order_descending_multi(descending.to_vec())
        .with_nulls_last(true)
        .with_maintain_order(true)
}
