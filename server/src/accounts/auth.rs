//! Checking credentials, shared by the login form and the token endpoint: throttled per account
//! and per address, constant work for unknown emails, deactivated accounts refused.

use super::model::{Email, User};
use super::{password, queries, throttle};
use crate::db::Db;
use crate::error::AppResult;

/// Why a login was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Unknown email or wrong password (never says which).
    BadCredentials,
    /// Too many failures: minutes to wait.
    Locked { minutes: i64 },
    /// Right password, deactivated account.
    Deactivated,
    /// Right password, address not confirmed yet.
    Unverified,
}

/// Checks `email`/`password` from client address `ip`.
pub async fn authenticate(
    db: &Db,
    email: &str,
    password_given: &str,
    ip: &str,
) -> AppResult<Result<User, LoginRefusal>> {
    let normalised = Email::parse(email).map(|e| e.as_str().to_owned()).unwrap_or_else(|_| email.trim().to_lowercase());
    let account_key = throttle::account_subject(&normalised);
    let address_key = throttle::address_subject(ip);
    for (key, policy) in [(&account_key, throttle::ACCOUNT), (&address_key, throttle::ADDRESS)] {
        if let Some(ms) = throttle::locked_for(db, key, policy).await? {
            return Ok(Err(LoginRefusal::Locked { minutes: (ms + 59_999) / 60_000 }));
        }
    }
    let found = queries::find_for_login(db, &normalised).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let ok = password::verify(password_given.to_owned(), hash).await?;
    match user {
        Some(user) if ok => {
            throttle::clear(db, &account_key).await?;
            if !user.active {
                Ok(Err(LoginRefusal::Deactivated))
            } else if !user.email_verified {
                Ok(Err(LoginRefusal::Unverified))
            } else {
                Ok(Ok(user))
            }
        }
        _ => {
            throttle::record_failure(db, &account_key).await?;
            throttle::record_failure(db, &address_key).await?;
            Ok(Err(LoginRefusal::BadCredentials))
        }
    }
}
