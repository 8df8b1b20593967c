//! Who is calling: the session user for pages, the bearer-token user under `/api/`. Role
//! policies are extractors, so a handler cannot run without its access decision.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use tower_sessions::Session;

use super::model::{Role, User};
use super::queries;
use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// Session key holding the logged-in user's id.
pub const SESSION_USER: &str = "uid";
/// Session key holding when the user logged in (UTC ms): a password changed since ends the session.
pub const SESSION_SINCE: &str = "since";

#[derive(Clone)]
struct Resolved(Option<User>);

/// The caller's account, if any (cached in the request so it is read once).
pub async fn current_user(parts: &mut Parts, state: &AppState) -> AppResult<Option<User>> {
    if let Some(Resolved(user)) = parts.extensions.get::<Resolved>() {
        return Ok(user.clone());
    }
    // Who, and since when (UTC ms) this session or token has been theirs.
    let claimed: Option<(String, i64)> = if parts.uri.path().starts_with("/api/") {
        bearer(parts).and_then(|t| state.tokens().verify(t)).map(|c| {
            let issued = c.issued_ms();
            (c.sub, issued)
        })
    } else {
        match parts.extensions.get::<Session>() {
            Some(session) => {
                let fail = AppError::from;
                let id = session.get::<String>(SESSION_USER).await.map_err(fail)?;
                let since = session.get::<i64>(SESSION_SINCE).await.map_err(fail)?.unwrap_or(0);
                id.map(|id| (id, since))
            }
            None => None,
        }
    };
    let user = match claimed {
        // A password changed after the login (or the token) ends it: every other session of a
        // user who changed or reset their password is signed out.
        Some((id, since)) => {
            queries::find(&state.db, &id).await?.filter(|u| u.active && u.password_changed_at <= since)
        }
        None => None,
    };
    parts.extensions.insert(Resolved(user.clone()));
    Ok(user)
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// A set of roles allowed through a route.
pub trait Policy: Send + Sync + 'static {
    /// The roles admitted.
    const ROLES: &'static [Role];
}

macro_rules! policy {
    ($(#[$doc:meta])* $name:ident => [$($role:ident),+]) => {
        $(#[$doc])*
        pub struct $name;
        impl Policy for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];
        }
    };
}

policy!(/// Any logged-in user.
    AnyRole => [Student, Teacher, Proctor, Admin]);
policy!(/// Students only.
    StudentOnly => [Student]);
policy!(/// Teachers, and admins who oversee them.
    TeacherOrAdmin => [Teacher, Admin]);
policy!(/// Proctors, and admins who oversee them.
    ProctorOrAdmin => [Proctor, Admin]);
policy!(/// Admins only.
    AdminOnly => [Admin]);

/// A logged-in user whose role passes policy `P`; otherwise 401 (not logged in) or 403.
pub struct Authed<P: Policy = AnyRole> {
    /// The caller.
    pub user: User,
    _policy: PhantomData<P>,
}

impl<P: Policy> FromRequestParts<AppState> for Authed<P> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let user = current_user(parts, state).await?.ok_or(AppError::Unauthorized)?;
        if P::ROLES.contains(&user.role) { Ok(Self { user, _policy: PhantomData }) } else { Err(AppError::Forbidden) }
    }
}

/// The caller's account if logged in (for pages open to everyone).
pub struct MaybeUser(pub Option<User>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        Ok(Self(current_user(parts, state).await?))
    }
}
