//! Test helpers: result columns as plain vectors (a missing column fails the test).

use polars::prelude::DataFrame;

use crate::columns;

pub(crate) fn frame_i64(df: &DataFrame, name: &str) -> Vec<i64> {
    columns::i64s(df, name).expect("integer column").into_iter().map(|v| v.unwrap_or(i64::MIN)).collect()
}

pub(crate) fn frame_str(df: &DataFrame, name: &str) -> Vec<String> {
    columns::strs(df, name).expect("text column").into_iter().map(Option::unwrap_or_default).collect()
}

pub(crate) fn frame_f64(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    columns::f64s(df, name).expect("float column").into_iter().map(|v| v.map(|x| (x * 1e6).round() / 1e6)).collect()
}
