//! The storage contract on local storage in every run, and on HDFS when `HDFS_URL` is set.

use std::time::Duration;

use proctorwise_batch::storage::{LocalStorage, StorageConfig, contract};

#[tokio::test]
async fn local_storage_keeps_the_contract() {
    let dir = tempfile::tempdir().expect("tempdir");
    let storage = LocalStorage::new(dir.path().join("root"));
    contract::check(&storage, "contract").await.expect("contract");
}

#[tokio::test]
async fn hdfs_storage_keeps_the_contract_when_configured() {
    let Ok(url) = std::env::var("HDFS_URL") else {
        println!("skipped: HDFS_URL not set (set it, and build with --features hdfs, to run the contract on HDFS)");
        return;
    };
    let storage = StorageConfig::Hdfs { url, base: "/proctorwise-test".into(), timeout: Duration::from_secs(20) }
        .open()
        .expect("HDFS client");
    let prefix = format!("contract-{}", uuid_like());
    contract::check(storage.as_ref(), &prefix).await.expect("contract on HDFS");
}

fn uuid_like() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}
