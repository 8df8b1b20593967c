//! Where frame JPEGs live: one trait, the local filesystem by default and HDFS when `HDFS_URL` is
//! set (built with the `hdfs` feature). Keys follow the prototype's layout under the store's
//! root: `{YYYY}/{MM}/{DD}/{session}/frame_{n:06}.jpg` (UTC date of reception). Keys are made by
//! the server only; a request never names one.

pub mod frame_queries;
#[cfg(feature = "hdfs")]
mod hdfs;
pub mod serve;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;

/// A blob store for frames.
#[async_trait]
pub trait FrameStore: Send + Sync + 'static {
    /// `local` or `hdfs`.
    fn name(&self) -> &'static str;
    /// Stores (or replaces) `key`.
    async fn put(&self, key: &str, bytes: &[u8]) -> anyhow::Result<()>;
    /// Reads `key`; `None` when it does not exist.
    async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>>;
    /// Deletes `key` (missing is fine).
    async fn delete(&self, key: &str) -> anyhow::Result<()>;
    /// A real round trip for the health panel: writes a small probe object next to the frames,
    /// reads it back and removes it. Says what was checked, or why it failed.
    async fn probe(&self) -> anyhow::Result<String>;
}

/// The key of frame number `n` of `session` received at `at_ms` (UTC).
pub fn frame_key(at_ms: i64, session_id: &str, n: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}/{:02}/{:02}/{session_id}/frame_{n:06}.jpg", t.year(), u8::from(t.month()), t.day())
}

/// Whether a key has the shape [`frame_key`] makes (no `..`, no absolute path).
pub(crate) fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with('/')
        && key.split('/').all(|p| !p.is_empty() && p != "." && p != "..")
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
}

/// Frames on the local filesystem under one directory.
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// A store rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &str) -> anyhow::Result<PathBuf> {
        anyhow::ensure!(valid_key(key), "invalid frame key {key:?}");
        Ok(self.root.join(key))
    }
}

#[async_trait]
impl FrameStore for LocalStore {
    fn name(&self) -> &'static str {
        "local"
    }

    async fn put(&self, key: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path(key)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        tokio::fs::create_dir_all(dir).await.with_context(|| format!("cannot create {}", dir.display()))?;
        // Write aside, then rename: a reader never sees half a frame.
        let tmp = path.with_extension(format!("tmp{}", rand::random::<u32>()));
        tokio::fs::write(&tmp, bytes).await.with_context(|| format!("cannot write {}", tmp.display()))?;
        tokio::fs::rename(&tmp, &path).await.with_context(|| format!("cannot rename to {}", path.display()))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    async fn probe(&self) -> anyhow::Result<String> {
        // At the root, under a name no frame key can have (keys start with the year).
        let path = self.root.join(format!(".health-{}", crate::db::new_id()));
        let written = async {
            tokio::fs::create_dir_all(&self.root).await?;
            tokio::fs::write(&path, PROBE).await?;
            let back = tokio::fs::read(&path).await?;
            tokio::fs::remove_file(&path).await?;
            anyhow::ensure!(back == PROBE, "the probe read back differs");
            Ok(())
        };
        written.await.with_context(|| format!("{} is not writable", self.root.display()))?;
        Ok(format!("local directory {} writable", self.root.display()))
    }
}

/// What [`FrameStore::probe`] writes.
pub(crate) const PROBE: &[u8] = b"proctorwise health probe";

/// The store the configuration asks for: HDFS when `hdfs_url` is set, else local.
pub fn from_config(
    hdfs_url: Option<&str>,
    local_root: &Path,
    hdfs_timeout: std::time::Duration,
) -> anyhow::Result<Arc<dyn FrameStore>> {
    match hdfs_url {
        None => Ok(Arc::new(LocalStore::new(local_root))),
        #[cfg(feature = "hdfs")]
        Some(url) => Ok(Arc::new(hdfs::HdfsStore::new(url, hdfs_timeout)?)),
        #[cfg(not(feature = "hdfs"))]
        Some(_) => {
            let _ = hdfs_timeout;
            anyhow::bail!("HDFS_URL is set but this binary was built without the `hdfs` feature")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_prototype_layout() {
        // 2026-01-29 10:00 UTC.
        assert_eq!(frame_key(1_769_680_800_000, "abc", 12), "2026/01/29/abc/frame_000012.jpg");
        assert!(valid_key("2026/01/29/abc/frame_000012.jpg"));
        for bad in ["", "/etc/passwd", "../x.jpg", "a//b", "a/./b", "a b.jpg"] {
            assert!(!valid_key(bad), "{bad:?}");
        }
    }
}
