//! SQL of the single-use links sent by email (`account_tokens`, owned by the accounts): password
//! resets and address checks.

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::db::Db;

/// What a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Choose a new password.
    Reset,
    /// Confirm the address of a new account.
    Verify,
}

impl Purpose {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Reset => "reset",
            Purpose::Verify => "verify",
        }
    }
}

/// A new random token (256 bits, hex) and the hash that is stored.
pub fn new_token() -> (String, String) {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token to record.
pub struct NewToken<'a> {
    /// Its hash.
    pub hash: &'a str,
    /// Its account.
    pub user_id: &'a str,
    /// What it is for.
    pub purpose: Purpose,
    /// `user` or `admin`.
    pub by: &'a str,
}

/// Records a token, valid from `now` until `expires_at`.
pub async fn insert(conn: &mut AnyConnection, token: &NewToken<'_>, now: i64, expires_at: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, requested_by, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(token.hash)
    .bind(token.user_id)
    .bind(token.purpose.as_str())
    .bind(token.by)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Links for `purpose` sent to `user_id` since `since` (the per-account throttle).
pub async fn sent_since(db: &Db, user_id: &str, purpose: Purpose, since: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM account_tokens WHERE user_id = ? AND purpose = ? AND created_at > ?")
        .bind(user_id)
        .bind(purpose.as_str())
        .bind(since)
        .fetch_one(db.pool())
        .await
}

/// The account of a `purpose` token that is unused and unexpired at `now`.
pub async fn valid(db: &Db, token_hash: &str, purpose: Purpose, now: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT user_id FROM account_tokens WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(db.pool())
    .await
}

/// Spends a valid `purpose` token on the caller's transaction, and with it every other unused
/// token of its account and purpose; its account, or `None` when it was not valid (used,
/// expired, unknown, or for another purpose).
pub async fn spend(
    conn: &mut AnyConnection,
    token_hash: &str,
    purpose: Purpose,
    now: i64,
) -> sqlx::Result<Option<String>> {
    let taken = sqlx::query(
        "UPDATE account_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if taken.rows_affected() != 1 {
        return Ok(None);
    }
    let user_id: String = sqlx::query_scalar("SELECT user_id FROM account_tokens WHERE token_hash = ?")
        .bind(token_hash)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL")
        .bind(now)
        .bind(&user_id)
        .bind(purpose.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(Some(user_id))
}

/// Forgets links older than `before` (the accounts' upkeep).
pub async fn purge_before(db: &Db, before: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM account_tokens WHERE created_at < ?")
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
