//! Frames on HDFS (hdfs-native, no JVM): keys under `/proctorwise/raw/frames` (or the path of
//! `HDFS_URL`). Every call has a timeout, so a namenode that hangs fails the call instead of the
//! request.

use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use hdfs_native::client::WriteOptions;
use hdfs_native::{Client, ClientBuilder, HdfsError};

use super::FrameStore;

/// HDFS frame store.
pub struct HdfsStore {
    client: Client,
    root: String,
    timeout: Duration,
}

impl HdfsStore {
    /// Connects lazily to `url` (`hdfs://namenode:9000[/root]`).
    pub fn new(url: &str, timeout: Duration) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url).with_context(|| format!("HDFS_URL {url:?} is not a URL"))?;
        let root = match parsed.path().trim_end_matches('/') {
            "" => "/proctorwise/raw/frames".to_owned(),
            path => path.to_owned(),
        };
        let base = format!("{}://{}", parsed.scheme(), parsed.host_str().unwrap_or("localhost"));
        let base = match parsed.port() {
            Some(port) => format!("{base}:{port}"),
            None => base,
        };
        let client = ClientBuilder::new().with_url(base).build().context("cannot create the HDFS client")?;
        Ok(Self { client, root, timeout })
    }

    fn path(&self, key: &str) -> anyhow::Result<String> {
        anyhow::ensure!(super::valid_key(key), "invalid frame key {key:?}");
        Ok(format!("{}/{key}", self.root))
    }

    async fn timed<T>(&self, what: &str, fut: impl Future<Output = Result<T, HdfsError>>) -> anyhow::Result<T> {
        tokio::time::timeout(self.timeout, fut)
            .await
            .with_context(|| format!("HDFS {what} timed out after {:?}", self.timeout))?
            .with_context(|| format!("HDFS {what} failed"))
    }
}

#[async_trait]
impl FrameStore for HdfsStore {
    fn name(&self) -> &'static str {
        "hdfs"
    }

    async fn put(&self, key: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let options = WriteOptions::default().overwrite(true).create_parent(true);
        let path = self.path(key)?;
        let mut writer = self.timed("create", self.client.create(&path, options)).await?;
        self.timed("write", writer.write_bytes(bytes::Bytes::copy_from_slice(bytes))).await?;
        self.timed("close", writer.close()).await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let path = self.path(key)?;
        let reader = match tokio::time::timeout(self.timeout, self.client.read(&path)).await {
            Err(_) => anyhow::bail!("HDFS open timed out after {:?}", self.timeout),
            Ok(Err(HdfsError::FileNotFound(_))) => return Ok(None),
            Ok(Err(e)) => return Err(anyhow::Error::new(e).context("HDFS open failed")),
            Ok(Ok(reader)) => reader,
        };
        let len = reader.file_length();
        let bytes = self.timed("read", reader.read_range(0, len)).await?;
        Ok(Some(bytes.to_vec()))
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        self.timed("delete", self.client.delete(&self.path(key)?, false)).await?;
        Ok(())
    }

    async fn probe(&self) -> anyhow::Result<String> {
        // Namenode and a datanode pipeline both: a small file created, read back, deleted.
        let path = format!("{}/.health-{}", self.root, crate::db::new_id());
        let options = WriteOptions::default().overwrite(true).create_parent(true);
        let mut writer = self.timed("create", self.client.create(&path, options)).await?;
        self.timed("write", writer.write_bytes(bytes::Bytes::from_static(super::PROBE))).await?;
        self.timed("close", writer.close()).await?;
        let reader = self.timed("open", self.client.read(&path)).await?;
        let back = self.timed("read", reader.read_range(0, reader.file_length())).await?;
        self.timed("delete", self.client.delete(&path, false)).await?;
        anyhow::ensure!(back.as_ref() == super::PROBE, "the probe read back differs");
        Ok(format!("HDFS {} writable", self.root))
    }
}
