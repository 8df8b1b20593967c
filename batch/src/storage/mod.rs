//! Where job outputs go: one [`Storage`] trait with a local-filesystem implementation (the
//! default) and an HDFS one (feature `hdfs`). Paths are relative, `/`-separated, under the
//! storage root (the prototype's `/proctorwise` on HDFS).

pub mod contract;
#[cfg(feature = "hdfs")]
mod hdfs;
mod local;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use bytes::Bytes;

#[cfg(feature = "hdfs")]
pub use hdfs::HdfsStorage;
pub use local::LocalStorage;

/// One entry of a folder listing.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// Its name (last path component).
    pub name: String,
    /// Whether it is a folder.
    pub is_dir: bool,
}

/// A hierarchical file store for job outputs.
#[async_trait]
pub trait Storage: Send + Sync {
    /// Replaces folder `dir` with exactly `files` (name, content): the files are written to a
    /// temporary sibling folder that is then renamed over `dir`, so readers never see a half
    /// written window and a re-run leaves no file of the previous run behind.
    async fn replace_dir(&self, dir: &str, files: Vec<(String, Bytes)>) -> anyhow::Result<()>;
    /// The content of a file.
    async fn read(&self, path: &str) -> anyhow::Result<Bytes>;
    /// The entries directly under `dir`, sorted by name; empty when `dir` does not exist.
    async fn list(&self, dir: &str) -> anyhow::Result<Vec<Entry>>;
    /// Removes a file or a folder with everything under it; `false` when it did not exist.
    async fn remove(&self, path: &str) -> anyhow::Result<bool>;
    /// Creates a folder and its parents (no error when it exists).
    async fn create_dir(&self, dir: &str) -> anyhow::Result<()>;
    /// Human description for logs and messages (`local:/var/lib/…`, `hdfs://…/proctorwise`).
    fn describe(&self) -> String;
}

/// How to reach the storage, from the command line or the server configuration.
#[derive(Clone, Debug)]
pub enum StorageConfig {
    /// A local directory.
    Local(std::path::PathBuf),
    /// An HDFS namenode URL (`hdfs://host:9000`), a base folder and a timeout for every call.
    Hdfs {
        /// Namenode URL.
        url: String,
        /// Root folder of the outputs (`/proctorwise`).
        base: String,
        /// Upper bound of each HDFS call.
        timeout: Duration,
    },
}

impl StorageConfig {
    /// Opens the storage.
    pub fn open(&self) -> anyhow::Result<Arc<dyn Storage>> {
        match self {
            StorageConfig::Local(root) => Ok(Arc::new(LocalStorage::new(root.clone()))),
            #[cfg(feature = "hdfs")]
            StorageConfig::Hdfs { url, base, timeout } => {
                Ok(Arc::new(HdfsStorage::connect(url, base, *timeout).with_context(|| format!("HDFS at {url}"))?))
            }
            #[cfg(not(feature = "hdfs"))]
            StorageConfig::Hdfs { url, .. } => {
                anyhow::bail!("HDFS_URL={url} is set but this build has no HDFS support (feature `hdfs`)")
            }
        }
    }
}

/// Checks a relative storage path: no empty, `.` or `..` component, no leading `/`.
pub fn check_path(path: &str) -> anyhow::Result<()> {
    let ok = !path.is_empty() && path.split('/').all(|c| !c.is_empty() && c != "." && c != "..");
    anyhow::ensure!(ok, "invalid storage path {path:?}");
    Ok(())
}

/// Splits `a/b/c` into (`a/b`, `c`); the parent is empty for a top-level name.
pub(crate) fn split_parent(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// Reads `path` only when it exists.
pub async fn read_if_exists(storage: &dyn Storage, path: &str) -> anyhow::Result<Option<Bytes>> {
    let (parent, name) = split_parent(path);
    if storage.list(parent).await?.iter().any(|e| e.name == name && !e.is_dir) {
        return storage.read(path).await.map(Some).with_context(|| format!("reading {path}"));
    }
    Ok(None)
}
