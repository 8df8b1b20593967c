//! The storage contract on local storage in every run, and on HDFS on request:
//! `HDFS_URL=hdfs://namenode:9000 cargo test -p proctorwise-batch --features hdfs --test storage --
//! --ignored` (no HDFS runs where the suite usually runs, so that test is ignored, not green).

use std::time::Duration;

use proctorwise_batch::storage::{LocalStorage, StorageConfig, contract};

#[tokio::test]
async fn local_storage_keeps_the_contract() {
    let dir = tempfile::tempdir().expect("tempdir");
    let storage = LocalStorage::new(dir.path().join("root"));
    contract::check(&storage, "contract").await.expect("contract");
}

#[tokio::test]
#[ignore = "needs a running HDFS: set HDFS_URL, build with --features hdfs, run with --ignored"]
async fn hdfs_storage_keeps_the_contract() {
    let url = std::env::var("HDFS_URL").expect("HDFS_URL: the namenode of the HDFS to test (hdfs://host:port)");
    let storage = StorageConfig::Hdfs { url, base: "/proctorwise-test".into(), timeout: Duration::from_secs(20) }
        .open()
        .expect("HDFS client");
    let prefix = format!("contract-{}", uuid_like());
    contract::check(storage.as_ref(), &prefix).await.expect("contract on HDFS");
}

fn uuid_like() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}
