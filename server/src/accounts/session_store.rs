//! tower-sessions store on the application database, so browser sessions survive restarts and
//! are shared by every server replica.

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::db::{Db, is_unique_violation, now_ms};

/// Sessions kept in the `web_sessions` table.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    /// A store on this database.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Deletes expired sessions; returns how many.
    pub async fn delete_expired(&self) -> sqlx::Result<u64> {
        let done =
            sqlx::query("DELETE FROM web_sessions WHERE expires_at < ?").bind(now_ms()).execute(self.db.pool()).await?;
        Ok(done.rows_affected())
    }
}

/// A database error as the session layer carries it (text only): marked when it is transient,
/// so that the request answers 503 (see `AppError`).
fn backend(err: sqlx::Error) -> session_store::Error {
    use crate::db::retry::{BUSY_MARK, Failure, classify};
    match classify(&err) {
        Failure::Other => session_store::Error::Backend(err.to_string()),
        Failure::Retryable | Failure::Unavailable => session_store::Error::Backend(format!("{BUSY_MARK}{err}")),
    }
}

fn encode(record: &Record) -> session_store::Result<(String, Vec<u8>, i64)> {
    let data = serde_json::to_vec(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let expires = i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
    Ok((record.id.to_string(), data, expires))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let (id, data, expires) = encode(record)?;
            let inserted = sqlx::query("INSERT INTO web_sessions (id, data, expires_at) VALUES (?, ?, ?)")
                .bind(id)
                .bind(data)
                .bind(expires)
                .execute(self.db.pool())
                .await;
            match inserted {
                Ok(_) => return Ok(()),
                Err(e) if is_unique_violation(&e) => record.id = Id::default(),
                Err(e) => return Err(backend(e)),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (id, data, expires) = encode(record)?;
        let updated = sqlx::query("UPDATE web_sessions SET data = ?, expires_at = ? WHERE id = ?")
            .bind(data.clone())
            .bind(expires)
            .bind(&id)
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        if updated.rows_affected() == 0 {
            let inserted = sqlx::query("INSERT INTO web_sessions (id, data, expires_at) VALUES (?, ?, ?)")
                .bind(&id)
                .bind(data)
                .bind(expires)
                .execute(self.db.pool())
                .await;
            match inserted {
                // A concurrent request saved it first: its data is as fresh as ours.
                Err(e) if !is_unique_violation(&e) => return Err(backend(e)),
                _ => {}
            }
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(Vec<u8>, i64)> =
            sqlx::query_as("SELECT data, expires_at FROM web_sessions WHERE id = ? AND expires_at > ?")
                .bind(id.to_string())
                .bind(now_ms())
                .fetch_optional(self.db.pool())
                .await
                .map_err(backend)?;
        let Some((data, expires)) = row else { return Ok(None) };
        let data = serde_json::from_slice(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires) * 1_000_000)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM web_sessions WHERE id = ?")
            .bind(id.to_string())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
