//! SQL of the accounts context (portable: runs on SQLite and MariaDB).

use std::collections::HashMap;

use sqlx::{AnyConnection, FromRow};

use super::model::{NewUser, Role, User};
use crate::db::{Db, fetch_by_ids, new_id, now_ms};
use crate::i18n::Lang;

#[derive(FromRow)]
struct UserRow {
    id: String,
    email: String,
    name: String,
    role: String,
    locale: Option<String>,
    active: i64,
    created_at: i64,
    password_changed_at: i64,
    email_verified_at: Option<i64>,
}

impl UserRow {
    fn into_user(self) -> User {
        User {
            role: Role::parse(&self.role).unwrap_or(Role::Student),
            locale: self.locale.as_deref().and_then(Lang::parse),
            active: self.active != 0,
            id: self.id,
            email: self.email,
            name: self.name,
            created_at: self.created_at,
            password_changed_at: self.password_changed_at,
            email_verified: self.email_verified_at.is_some(),
        }
    }
}

const COLUMNS: &str = "id, email, name, role, locale, active, created_at, password_changed_at, email_verified_at";

/// Inserts a user whose password is already hashed, address confirmed; a duplicate email is a
/// unique violation.
pub async fn insert(db: &Db, new: &NewUser, password_hash: &str) -> sqlx::Result<User> {
    insert_with(db, new, password_hash, true).await
}

/// Like [`insert`]; `verified` false for a self-registered student who must confirm the address.
pub async fn insert_with(db: &Db, new: &NewUser, password_hash: &str, verified: bool) -> sqlx::Result<User> {
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, role, locale, active, created_at, updated_at, email_verified_at) \
         VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
    )
    .bind(&id)
    .bind(new.email.as_str())
    .bind(&new.name)
    .bind(password_hash)
    .bind(new.role.as_str())
    .bind(new.locale.map(Lang::code))
    .bind(now)
    .bind(now)
    .bind(verified.then_some(now))
    .execute(db.pool())
    .await?;
    Ok(User {
        id,
        email: new.email.as_str().to_owned(),
        name: new.name.clone(),
        role: new.role,
        locale: new.locale,
        active: true,
        created_at: now,
        password_changed_at: 0,
        email_verified: verified,
    })
}

/// The user with this id.
pub async fn find(db: &Db, id: &str) -> sqlx::Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?");
    let row: Option<UserRow> = sqlx::query_as(&sql).bind(id).fetch_optional(db.pool()).await?;
    Ok(row.map(UserRow::into_user))
}

/// The user with this (normalised) email and their password hash.
pub async fn find_for_login(db: &Db, email: &str) -> sqlx::Result<Option<(User, String)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
    }
    let sql = format!("SELECT {COLUMNS}, password_hash FROM users WHERE email = ?");
    let row: Option<Row> = sqlx::query_as(&sql).bind(email).fetch_optional(db.pool()).await?;
    Ok(row.map(|r| (r.user.into_user(), r.password_hash)))
}

/// A page of users matching `search` (name or email, case-insensitive) and an optional role.
pub async fn search(
    db: &Db,
    search: &str,
    role: Option<Role>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<User>, i64)> {
    let pattern = format!("%{}%", escape_like(&search.trim().to_lowercase()));
    let role = role.map(Role::as_str);
    let filter = "WHERE (LOWER(name) LIKE ? ESCAPE '!' OR email LIKE ? ESCAPE '!') AND (? IS NULL OR role = ?)";
    let sql = format!("SELECT {COLUMNS} FROM users {filter} ORDER BY name, email LIMIT ? OFFSET ?");
    let rows: Vec<UserRow> = sqlx::query_as(&sql)
        .bind(&pattern)
        .bind(&pattern)
        .bind(role)
        .bind(role)
        .bind(limit)
        .bind(offset)
        .fetch_all(db.pool())
        .await?;
    let count_sql = format!("SELECT COUNT(*) FROM users {filter}");
    let total: i64 =
        sqlx::query_scalar(&count_sql).bind(&pattern).bind(&pattern).bind(role).bind(role).fetch_one(db.pool()).await?;
    Ok((rows.into_iter().map(UserRow::into_user).collect(), total))
}

/// Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '!'` pattern.
fn escape_like(s: &str) -> String {
    s.replace('!', "!!").replace('%', "!%").replace('_', "!_")
}

/// Changes a user's role.
pub async fn set_role(db: &Db, id: &str, role: Role) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE users SET role = ?, updated_at = ? WHERE id = ?")
        .bind(role.as_str())
        .bind(now_ms())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deactivates or reactivates an account.
pub async fn set_active(db: &Db, id: &str, active: bool) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE users SET active = ?, updated_at = ? WHERE id = ?")
        .bind(i64::from(active))
        .bind(now_ms())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Remembers the user's interface language.
pub async fn set_locale(db: &Db, id: &str, lang: Lang) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET locale = ?, updated_at = ? WHERE id = ?")
        .bind(lang.code())
        .bind(now_ms())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Number of active admins (the last one cannot be demoted or deactivated).
pub async fn count_active_admins(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1").fetch_one(db.pool()).await
}

/// Number of users per role (for dashboards).
pub async fn count_by_role(db: &Db) -> sqlx::Result<Vec<(Role, i64)>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT role, COUNT(*) FROM users GROUP BY role ORDER BY role").fetch_all(db.pool()).await?;
    Ok(rows.into_iter().filter_map(|(r, n)| Role::parse(&r).map(|r| (r, n))).collect())
}

/// Total number of accounts.
pub async fn count_all(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(db.pool()).await
}

/// How to reach an active account (notifications, inside the event's transaction).
#[derive(Clone, Debug, FromRow)]
pub struct Contact {
    /// Account id.
    pub id: String,
    /// Email address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Chosen language, if any.
    pub locale: Option<String>,
}

const CONTACT: &str = "SELECT id, email, name, locale FROM users";

/// The active account with this id, on the caller's connection.
pub async fn contact_on(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<Contact>> {
    sqlx::query_as(&format!("{CONTACT} WHERE id = ? AND active = 1")).bind(id).fetch_optional(conn).await
}

/// Every active account with this role, on the caller's connection.
pub async fn contacts_with_role_on(conn: &mut AnyConnection, role: Role) -> sqlx::Result<Vec<Contact>> {
    sqlx::query_as(&format!("{CONTACT} WHERE role = ? AND active = 1 ORDER BY id"))
        .bind(role.as_str())
        .fetch_all(conn)
        .await
}

/// A user's display name, on the caller's connection.
pub async fn name_on(conn: &mut AnyConnection, id: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT name FROM users WHERE id = ?").bind(id).fetch_optional(conn).await
}

/// Name and email of each of these accounts (for pages and reports of other contexts), by id;
/// an unknown id is left out.
pub async fn names(db: &Db, ids: &[&str]) -> sqlx::Result<HashMap<String, (String, String)>> {
    let rows: Vec<(String, String, String)> =
        fetch_by_ids(db, "SELECT id, name, email FROM users WHERE id IN ({ids})", ids).await?;
    Ok(rows.into_iter().map(|(id, name, email)| (id, (name, email))).collect())
}

/// Locks a user's row for the rest of the caller's transaction (portable `SELECT … FOR UPDATE`):
/// the statement is a write, so SQLite takes its write lock at once and two actions of one user
/// (two bookings) are checked one after the other on both backends.
pub async fn lock_on(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = ?").bind(user_id).execute(conn).await?;
    Ok(())
}

/// (id, name) of up to `limit` active accounts with this role, by name.
pub async fn active_with_role(db: &Db, role: Role, limit: i64) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT id, name FROM users WHERE role = ? AND active = 1 ORDER BY name LIMIT ?")
        .bind(role.as_str())
        .bind(limit)
        .fetch_all(db.pool())
        .await
}

/// Accounts created in `[from, to)` per role (the platform report).
pub async fn created_by_role(db: &Db, from: i64, to: i64) -> sqlx::Result<Vec<(String, i64)>> {
    let rows: Vec<(crate::db::DbText, i64)> = sqlx::query_as(
        "SELECT role, COUNT(*) FROM users WHERE created_at >= ? AND created_at < ? GROUP BY role ORDER BY role",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(r, n)| (r.0, n)).collect())
}

/// The password hash of a user (to check the current password before a change).
pub async fn password_hash(db: &Db, id: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?").bind(id).fetch_optional(db.pool()).await
}

/// Replaces a user's password hash; sessions and tokens issued before `now` stop being accepted.
pub async fn set_password(db: &Db, id: &str, password_hash: &str, now: i64) -> sqlx::Result<bool> {
    let mut conn = db.pool().acquire().await?;
    set_password_on(&mut conn, id, password_hash, now).await
}

/// Like [`set_password`], on the caller's transaction (a reset spends its link in the same one).
pub async fn set_password_on(conn: &mut AnyConnection, id: &str, password_hash: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?")
        .bind(password_hash)
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Renames a user.
pub async fn set_name(db: &Db, id: &str, name: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE users SET name = ?, updated_at = ? WHERE id = ?")
        .bind(name)
        .bind(now_ms())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a user's address confirmed, on the caller's transaction (the link's).
pub async fn mark_verified_on(conn: &mut AnyConnection, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?), updated_at = ? WHERE id = ?")
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
