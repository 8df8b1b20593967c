//! JSON API of the accounts context: bearer tokens and account information.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};

use super::auth::{LoginRefusal, authenticate};
use super::extract::{AdminOnly, Authed};
use super::handlers::ClientIp;
use super::model::{Role, User};
use super::queries;
use crate::api::ApiJson;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::routing::Routes;

/// Routes of the accounts API.
pub fn routes() -> Routes {
    Routes::new().post("/api/v1/auth/token", issue_token).get("/api/v1/me", me).get("/api/v1/users", list_users)
}

/// Body of `POST /api/v1/auth/token`.
#[derive(Deserialize)]
pub struct TokenRequest {
    email: String,
    password: String,
}

/// Answer of `POST /api/v1/auth/token`.
#[derive(Serialize)]
pub struct TokenResponse {
    token: String,
    /// RFC 3339, UTC.
    expires_at: String,
    role: Role,
}

/// An account as the API shows it.
#[derive(Serialize)]
pub struct UserJson {
    id: String,
    email: String,
    name: String,
    role: Role,
    active: bool,
    /// RFC 3339, UTC.
    created_at: String,
}

impl From<&User> for UserJson {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role,
            active: u.active,
            created_at: rfc3339(u.created_at),
        }
    }
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// `POST /api/v1/auth/token`: a bearer token for valid credentials; 401 otherwise, 429 when throttled.
pub async fn issue_token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    lang: Lang,
    ApiJson(req): ApiJson<TokenRequest>,
) -> AppResult<Json<TokenResponse>> {
    match authenticate(&state.db, &req.email, &req.password, &ip).await? {
        Ok(user) => {
            let (token, expires_ms) = state.tokens().issue(&user)?;
            Ok(Json(TokenResponse { token, expires_at: rfc3339(expires_ms), role: user.role }))
        }
        Err(LoginRefusal::Locked { minutes }) => Err(AppError::Throttled {
            message: lang.tf("auth.locked", &[("minutes", &minutes.to_string())]),
            retry_after_secs: u64::try_from(minutes * 60).unwrap_or(60),
        }),
        Err(LoginRefusal::BadCredentials | LoginRefusal::Deactivated | LoginRefusal::Unverified) => {
            Err(AppError::Unauthorized)
        }
    }
}

/// `GET /api/v1/me`: the caller's account.
pub async fn me(Authed { user, .. }: Authed) -> Json<UserJson> {
    Json(UserJson::from(&user))
}

/// Query of `GET /api/v1/users`.
#[derive(Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    role: Option<String>,
    #[serde(default)]
    offset: i64,
    limit: Option<i64>,
}

/// A page of users.
#[derive(Serialize)]
pub struct UsersPage {
    total: i64,
    users: Vec<UserJson>,
}

/// `GET /api/v1/users` (admin): search accounts.
pub async fn list_users(
    State(state): State<AppState>,
    _admin: Authed<AdminOnly>,
    lang: Lang,
    Query(q): Query<UsersQuery>,
) -> AppResult<Json<UsersPage>> {
    let role = match q.role.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(Role::parse(r).ok_or_else(|| AppError::Invalid(lang.t("field.role.invalid").to_owned()))?),
        None => None,
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let (users, total) = queries::search(&state.db, &q.q, role, limit, q.offset.max(0)).await?;
    Ok(Json(UsersPage { total, users: users.iter().map(UserJson::from).collect() }))
}
