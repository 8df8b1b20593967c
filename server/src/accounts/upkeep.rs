//! Housekeeping of the accounts' tables: expired sessions, old login failures, reset links older
//! than a week.

use std::time::Duration;

use super::session_store::DbSessionStore;
use super::throttle;
use crate::db::Db;

/// Deletes expired sessions and old login failures every `every`.
pub async fn run(db: Db, every: Duration) {
    let sessions = DbSessionStore::new(db.clone());
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = sessions.delete_expired().await {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
        if let Err(e) = throttle::purge_old(&db).await {
            tracing::warn!(error = %e, "could not purge old login failures");
        }
        let week_ago = crate::db::now_ms() - 7 * 24 * 3_600_000;
        if let Err(e) = super::recovery::queries::purge_before(&db, week_ago).await {
            tracing::warn!(error = %e, "could not purge old reset links");
        }
    }
}
