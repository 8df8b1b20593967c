//! Bearer tokens (JWT, HS256) for the JSON API.

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::model::User;
use crate::app::AppState;
use crate::db::now_ms;

const ISSUER: &str = "proctorwise";

/// What a token says. The role is informative: every request re-reads the account, so a role
/// change or a deactivation takes effect before the token expires.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Role when issued.
    pub role: String,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Always `proctorwise`.
    pub iss: String,
    /// Issued at, milliseconds since the epoch (a password changed later revokes the token).
    #[serde(default)]
    pub iat_ms: i64,
}

impl Claims {
    /// When the token was issued, UTC ms (a token without `iat_ms` counts from the end of its
    /// `iat` second).
    pub fn issued_ms(&self) -> i64 {
        if self.iat_ms > 0 { self.iat_ms } else { self.iat.saturating_mul(1000) + 999 }
    }
}

/// Signing and verification keys derived from the server secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
}

impl TokenKeys {
    /// Keys for `secret`; tokens live `ttl`.
    pub fn new(secret: &SecretString, ttl: Duration) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        Self { encoding: EncodingKey::from_secret(bytes), decoding: DecodingKey::from_secret(bytes), ttl }
    }

    /// A token for `user` and its expiry (UTC milliseconds).
    pub fn issue(&self, user: &User) -> anyhow::Result<(String, i64)> {
        let iat_ms = now_ms();
        let iat = iat_ms / 1000;
        let exp = iat + i64::try_from(self.ttl.as_secs()).unwrap_or(3600);
        let claims =
            Claims { sub: user.id.clone(), role: user.role.as_str().into(), iat, exp, iss: ISSUER.into(), iat_ms };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, exp * 1000))
    }

    /// The claims of a valid, unexpired token signed with our key.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 5;
        decode::<Claims>(token, &self.decoding, &validation).ok().map(|d| d.claims)
    }
}

impl AppState {
    /// The keys signing and checking API bearer tokens.
    pub fn tokens(&self) -> &TokenKeys {
        self.part::<Arc<TokenKeys>>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::model::Role;

    fn user() -> User {
        User {
            id: "u1".into(),
            email: "a@b.c".into(),
            name: "A".into(),
            role: Role::Teacher,
            locale: None,
            active: true,
            created_at: 0,
            password_changed_at: 0,
            email_verified: true,
        }
    }

    #[test]
    fn issued_tokens_verify_and_foreign_ones_do_not() {
        let keys = TokenKeys::new(&SecretString::from("k".repeat(40)), Duration::from_secs(60));
        let (token, exp) = keys.issue(&user()).expect("issue");
        assert!(exp > now_ms());
        let claims = keys.verify(&token).expect("valid");
        assert_eq!((claims.sub.as_str(), claims.role.as_str()), ("u1", "teacher"));
        let other = TokenKeys::new(&SecretString::from("x".repeat(40)), Duration::from_secs(60));
        assert!(other.verify(&token).is_none());
        assert!(keys.verify("not.a.token").is_none());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let keys = TokenKeys::new(&SecretString::from("k".repeat(40)), Duration::from_secs(0));
        let claims = Claims { sub: "u1".into(), role: "admin".into(), iat: 0, exp: 1, iss: ISSUER.into(), iat_ms: 0 };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).expect("encode");
        assert!(keys.verify(&token).is_none());
    }
}
