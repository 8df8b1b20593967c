//! Outputs on HDFS through the native client (`hdfs-native`). Every call runs under a timeout:
//! the client keeps retrying an unreachable namenode instead of failing.

use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use bytes::Bytes;
use hdfs_native::{Client, ClientBuilder, HdfsError, WriteOptions};

use super::{Entry, Storage, check_path, split_parent};

/// A folder on HDFS.
pub struct HdfsStorage {
    client: Client,
    url: String,
    base: String,
    timeout: Duration,
}

impl HdfsStorage {
    /// A client for `url` (`hdfs://namenode:9000`) with outputs under `base` (`/proctorwise`).
    pub fn connect(url: &str, base: &str, timeout: Duration) -> anyhow::Result<Self> {
        let client = ClientBuilder::new().with_url(url).build().context("invalid HDFS configuration")?;
        let base = format!("/{}", base.trim_matches('/'));
        Ok(Self { client, url: url.to_owned(), base, timeout })
    }

    fn full(&self, path: &str) -> anyhow::Result<String> {
        if path.is_empty() {
            return Ok(self.base.clone());
        }
        check_path(path)?;
        Ok(format!("{}/{path}", self.base.trim_end_matches('/')))
    }

    async fn timed<T>(&self, what: &str, f: impl Future<Output = Result<T, HdfsError>>) -> anyhow::Result<T> {
        match tokio::time::timeout(self.timeout, f).await {
            Ok(r) => r.with_context(|| format!("HDFS {what}")),
            Err(_) => anyhow::bail!("HDFS {what}: no answer from {} within {:?}", self.url, self.timeout),
        }
    }

    async fn write_file(&self, path: &str, content: Bytes) -> anyhow::Result<()> {
        let mut writer = self.timed("create", self.client.create(path, WriteOptions::default())).await?;
        self.timed("write", writer.write_bytes(content)).await?;
        self.timed("close", writer.close()).await
    }

    async fn exists(&self, path: &str) -> anyhow::Result<bool> {
        match tokio::time::timeout(self.timeout, self.client.get_file_info(path)).await {
            Ok(Ok(_)) => Ok(true),
            Ok(Err(HdfsError::FileNotFound(_))) => Ok(false),
            Ok(Err(e)) => Err(anyhow::Error::new(e).context(format!("HDFS status of {path}"))),
            Err(_) => anyhow::bail!("HDFS status of {path}: no answer from {} within {:?}", self.url, self.timeout),
        }
    }
}

#[async_trait]
impl Storage for HdfsStorage {
    async fn replace_dir(&self, dir: &str, files: Vec<(String, Bytes)>) -> anyhow::Result<()> {
        let target = self.full(dir)?;
        let (parent, name) = split_parent(dir);
        let parent = self.full(parent)?;
        let id = uuid::Uuid::new_v4();
        let tmp = format!("{parent}/.{name}.tmp-{id}");
        self.timed("mkdirs", self.client.mkdirs(&tmp, 0o755, true)).await?;
        for (file, content) in files {
            check_path(&file)?;
            if let Err(e) = self.write_file(&format!("{tmp}/{file}"), content).await {
                let _ = self.timed("delete", self.client.delete(&tmp, true)).await;
                return Err(e);
            }
        }
        let old = format!("{parent}/.{name}.old-{id}");
        let had_old = self.exists(&target).await?;
        if had_old {
            self.timed("rename", self.client.rename(&target, &old, false)).await?;
        }
        self.timed("rename", self.client.rename(&tmp, &target, false)).await?;
        if had_old {
            self.timed("delete", self.client.delete(&old, true)).await?;
        }
        Ok(())
    }

    async fn read(&self, path: &str) -> anyhow::Result<Bytes> {
        let full = self.full(path)?;
        let reader = self.timed("open", self.client.read(&full)).await?;
        self.timed("read", reader.read_range(0, reader.file_length())).await
    }

    async fn list(&self, dir: &str) -> anyhow::Result<Vec<Entry>> {
        let full = self.full(dir)?;
        if !self.exists(&full).await? {
            return Ok(Vec::new());
        }
        let statuses = self.timed("list", self.client.list_status(&full, false)).await?;
        let mut entries: Vec<Entry> = statuses
            .into_iter()
            .map(|s| Entry { name: s.path.rsplit('/').next().unwrap_or_default().to_owned(), is_dir: s.isdir })
            .collect();
        entries.sort();
        Ok(entries)
    }

    async fn remove(&self, path: &str) -> anyhow::Result<bool> {
        let full = self.full(path)?;
        if !self.exists(&full).await? {
            return Ok(false);
        }
        self.timed("delete", self.client.delete(&full, true)).await
    }

    async fn create_dir(&self, dir: &str) -> anyhow::Result<()> {
        let full = self.full(dir)?;
        self.timed("mkdirs", self.client.mkdirs(&full, 0o755, true)).await
    }

    fn describe(&self) -> String {
        format!("{}{}", self.url.trim_end_matches('/'), self.base)
    }
}
