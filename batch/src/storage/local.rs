//! Outputs on the local filesystem (the single-machine default).

use std::path::{Path, PathBuf};

use anyhow::Context;
use async_trait::async_trait;
use bytes::Bytes;

use super::{Entry, Storage, check_path, split_parent};

/// A folder on local disk.
#[derive(Clone, Debug)]
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    /// Storage rooted at `root` (created on first write).
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn full(&self, path: &str) -> anyhow::Result<PathBuf> {
        if path.is_empty() {
            return Ok(self.root.clone());
        }
        check_path(path)?;
        Ok(self.root.join(path))
    }
}

async fn write_all(dir: &Path, files: &[(String, Bytes)]) -> anyhow::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    for (name, content) in files {
        check_path(name)?;
        tokio::fs::write(dir.join(name), content).await.with_context(|| format!("writing {name}"))?;
    }
    Ok(())
}

#[async_trait]
impl Storage for LocalStorage {
    async fn replace_dir(&self, dir: &str, files: Vec<(String, Bytes)>) -> anyhow::Result<()> {
        let target = self.full(dir)?;
        let (parent, name) = split_parent(dir);
        let parent = self.full(parent)?;
        tokio::fs::create_dir_all(&parent).await.with_context(|| format!("creating {}", parent.display()))?;
        let id = uuid::Uuid::new_v4();
        let tmp = parent.join(format!(".{name}.tmp-{id}"));
        if let Err(e) = write_all(&tmp, &files).await {
            let _ = tokio::fs::remove_dir_all(&tmp).await;
            return Err(e.context(format!("writing {}", tmp.display())));
        }
        let old = parent.join(format!(".{name}.old-{id}"));
        let had_old = tokio::fs::try_exists(&target).await?;
        if had_old {
            tokio::fs::rename(&target, &old).await.with_context(|| format!("moving {} aside", target.display()))?;
        }
        if let Err(e) = tokio::fs::rename(&tmp, &target).await {
            if had_old {
                let _ = tokio::fs::rename(&old, &target).await;
            }
            let _ = tokio::fs::remove_dir_all(&tmp).await;
            return Err(anyhow::Error::new(e).context(format!("renaming into {}", target.display())));
        }
        if had_old {
            tokio::fs::remove_dir_all(&old).await.with_context(|| format!("removing {}", old.display()))?;
        }
        Ok(())
    }

    async fn read(&self, path: &str) -> anyhow::Result<Bytes> {
        let full = self.full(path)?;
        Ok(Bytes::from(tokio::fs::read(&full).await.with_context(|| format!("reading {}", full.display()))?))
    }

    async fn list(&self, dir: &str) -> anyhow::Result<Vec<Entry>> {
        let full = self.full(dir)?;
        let mut entries = Vec::new();
        let mut read = match tokio::fs::read_dir(&full).await {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(entries),
            Err(e) => return Err(anyhow::Error::new(e).context(format!("listing {}", full.display()))),
        };
        while let Some(e) = read.next_entry().await? {
            let name = e.file_name().to_string_lossy().into_owned();
            entries.push(Entry { name, is_dir: e.file_type().await?.is_dir() });
        }
        entries.sort();
        Ok(entries)
    }

    async fn remove(&self, path: &str) -> anyhow::Result<bool> {
        let full = self.full(path)?;
        let meta = match tokio::fs::metadata(&full).await {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        if meta.is_dir() {
            tokio::fs::remove_dir_all(&full).await?;
        } else {
            tokio::fs::remove_file(&full).await?;
        }
        Ok(true)
    }

    async fn create_dir(&self, dir: &str) -> anyhow::Result<()> {
        let full = self.full(dir)?;
        tokio::fs::create_dir_all(&full).await.with_context(|| format!("creating {}", full.display()))
    }

    fn describe(&self) -> String {
        format!("local:{}", self.root.display())
    }
}
