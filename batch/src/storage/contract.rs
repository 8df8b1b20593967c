//! The behaviour every [`Storage`] must have, as one async check run against each
//! implementation (local storage in every test run, HDFS when `HDFS_URL` is set).

use anyhow::ensure;
use bytes::Bytes;

use super::{Entry, Storage, read_if_exists};

fn file(name: &str) -> Entry {
    Entry { name: name.into(), is_dir: false }
}

/// Runs the contract under `prefix` (a fresh folder name) and cleans up after itself.
pub async fn check(storage: &dyn Storage, prefix: &str) -> anyhow::Result<()> {
    let dir = format!("{prefix}/reports/2026/03");
    ensure!(storage.list(prefix).await?.is_empty(), "a missing folder lists as empty");
    ensure!(read_if_exists(storage, &format!("{dir}/a.parquet")).await?.is_none(), "missing file reads as None");

    storage
        .replace_dir(&dir, vec![("a.parquet".into(), Bytes::from_static(b"one")), ("b.parquet".into(), Bytes::new())])
        .await?;
    ensure!(storage.list(&dir).await? == vec![file("a.parquet"), file("b.parquet")], "both files written");
    ensure!(storage.read(&format!("{dir}/a.parquet")).await? == Bytes::from_static(b"one"), "content kept");

    // Replacing leaves exactly the new files: no file of the previous run, no temporary folder.
    storage.replace_dir(&dir, vec![("c.parquet".into(), Bytes::from_static(b"two"))]).await?;
    ensure!(storage.list(&dir).await? == vec![file("c.parquet")], "replace removes the old files");
    let siblings = storage.list(&format!("{prefix}/reports/2026")).await?;
    ensure!(siblings == vec![Entry { name: "03".into(), is_dir: true }], "no temporary folder left: {siblings:?}");

    storage.create_dir(&format!("{prefix}/empty/deep")).await?;
    storage.create_dir(&format!("{prefix}/empty/deep")).await?;
    ensure!(storage.list(&format!("{prefix}/empty")).await?.len() == 1, "create_dir is idempotent");

    ensure!(storage.remove(&format!("{prefix}/reports")).await?, "remove reports an existing folder");
    ensure!(!storage.remove(&format!("{prefix}/reports")).await?, "remove of a missing folder is false");
    ensure!(storage.list(&dir).await?.is_empty(), "removed recursively");
    ensure!(storage.replace_dir("../escape", Vec::new()).await.is_err(), "paths cannot leave the root");
    storage.remove(prefix).await?;
    Ok(())
}
