//! The frame store contract, run against the local store always and against HDFS on request:
//! `HDFS_URL=hdfs://namenode:9000 cargo test -p proctorwise --features hdfs --test it -- --ignored
//! hdfs_store` (no HDFS runs where the suite usually runs, so that test is ignored, not green).

use std::sync::Arc;
use std::time::Duration;

use proctorwise::monitoring::storage::{FrameStore, LocalStore, frame_key, from_config};

use crate::fixtures::jpeg;

async fn contract(store: Arc<dyn FrameStore>) {
    let session = uuid::Uuid::new_v4().to_string();
    let key = frame_key(proctorwise::db::now_ms(), &session, 1);
    assert_eq!(store.get(&key).await.expect("get"), None, "missing is None, not an error");
    let first = jpeg(64, 48);
    store.put(&key, &first).await.expect("put");
    assert_eq!(store.get(&key).await.expect("get").as_deref(), Some(first.as_slice()));
    let second = jpeg(96, 64);
    store.put(&key, &second).await.expect("overwrite");
    assert_eq!(store.get(&key).await.expect("get").as_deref(), Some(second.as_slice()));
    store.delete(&key).await.expect("delete");
    assert_eq!(store.get(&key).await.expect("get"), None);
    store.delete(&key).await.expect("deleting a missing frame is fine");
    assert!(store.put("../outside.jpg", &first).await.is_err(), "keys cannot escape the root");
}

#[tokio::test]
async fn local_store_keeps_the_contract() {
    let dir = tempfile::tempdir().expect("dir");
    contract(Arc::new(LocalStore::new(dir.path()))).await;
    let built = from_config(None, dir.path(), Duration::from_secs(1)).expect("local");
    assert_eq!(built.name(), "local");
    contract(built).await;
}

#[tokio::test]
#[ignore = "needs a running HDFS: set HDFS_URL, build with --features hdfs, run with --ignored"]
async fn hdfs_store_keeps_the_contract() {
    let url = std::env::var("HDFS_URL").expect("HDFS_URL: the namenode of the HDFS to test (hdfs://host:port)");
    let dir = tempfile::tempdir().expect("dir");
    let store = from_config(Some(&url), dir.path(), Duration::from_secs(10))
        .expect("HDFS_URL is set: the store must build (use --features hdfs)");
    assert_eq!(store.name(), "hdfs");
    contract(store).await;
}
