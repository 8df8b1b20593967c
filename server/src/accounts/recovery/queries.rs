//! SQL of the reset links (`password_resets`, owned by the accounts).

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::db::Db;

/// A new random token (256 bits, URL-safe hex) and the hash that is stored.
pub fn new_token() -> (String, String) {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Records a token for `user_id`, valid until `expires_at`.
pub async fn insert(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: &str,
    by: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, requested_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(by)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Links sent to `user_id` since `since` (the per-account throttle).
pub async fn sent_since(db: &Db, user_id: &str, since: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM password_resets WHERE user_id = ? AND created_at > ?")
        .bind(user_id)
        .bind(since)
        .fetch_one(db.pool())
        .await
}

/// The account of a token that is unused and unexpired at `now`.
pub async fn valid(db: &Db, token_hash: &str, now: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await
}

/// Spends a valid token on the caller's transaction, and with it every other unused token of its
/// account; its account, or `None` when it was not valid (used, expired, unknown).
pub async fn spend(conn: &mut AnyConnection, token_hash: &str, now: i64) -> sqlx::Result<Option<String>> {
    let taken = sqlx::query(
        "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
    )
    .bind(now)
    .bind(token_hash)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if taken.rows_affected() != 1 {
        return Ok(None);
    }
    let user_id: String = sqlx::query_scalar("SELECT user_id FROM password_resets WHERE token_hash = ?")
        .bind(token_hash)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL")
        .bind(now)
        .bind(&user_id)
        .execute(&mut *conn)
        .await?;
    Ok(Some(user_id))
}

/// Forgets links older than `before` (the accounts' upkeep).
pub async fn purge_before(db: &Db, before: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM password_resets WHERE created_at < ?")
        .bind(before)
        .execute(db.pool())
        .await?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash(&a), ha);
        assert_ne!(ha, a);
    }
}
