//! Database pool and migrations. One portable SQL dialect runs on SQLite (embedded default) and
//! MariaDB through sqlx's `Any` driver; each backend has its own migration folder.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

use crate::config::Backend;

pub mod retry;

pub use retry::retry;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static MYSQL_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/mysql");

/// How long a request waits for a pooled connection before it is answered 503:
/// `PROCTORWISE_DB_ACQUIRE_TIMEOUT_MS` (default 10 000; behind a proxy that fails over between
/// replicas, a few seconds lets it route around a replica whose database node is gone).
fn acquire_timeout() -> Duration {
    let ms = std::env::var("PROCTORWISE_DB_ACQUIRE_TIMEOUT_MS").ok().and_then(|v| v.trim().parse::<u64>().ok());
    Duration::from_millis(ms.filter(|ms| *ms > 0).unwrap_or(10_000))
}

/// A connection pool plus the backend it speaks to.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// MariaDB: one connection of its own for the readiness probe, so that the probe tells
    /// whether the database node answers, not whether the request pool has a free connection
    /// (a Galera cluster pausing its writes for a moment fills the pool on every replica alike).
    health: Option<AnyPool>,
}

impl Db {
    /// Connects to `url` (`sqlite:` or `mysql:`), creating the SQLite file and its folder if needed.
    /// A request waits `PROCTORWISE_DB_ACQUIRE_TIMEOUT_MS` (default 10 s) for a free connection.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Self::connect_with(url, acquire_timeout()).await
    }

    /// [`Db::connect`] with the given wait for a free connection.
    pub async fn connect_with(url: &str, acquire_timeout: Duration) -> anyhow::Result<Self> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = url.replacen("mariadb:", "mysql:", 1);
        if backend == Backend::Sqlite {
            ensure_sqlite_dir(&url)?;
        }
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    } else if let Err(e) = conn.execute("SET SESSION wsrep_sync_wait = 1").await {
                        // Galera applies a write on the other nodes shortly after its commit: a
                        // read on another node waits until it has (causal reads), so a session,
                        // a CSRF token or an answer written through one replica is seen by the
                        // next request on the other. A server without wsrep has nothing to wait for.
                        tracing::debug!(error = %e, "wsrep_sync_wait not set (not a Galera server)");
                    }
                    Ok(())
                })
            });
        let pool =
            options.connect(&url).await.with_context(|| format!("cannot connect to the {backend:?} database"))?;
        let health = match backend {
            Backend::Sqlite => None,
            Backend::MariaDb => Some(
                AnyPoolOptions::new()
                    .max_connections(1)
                    .min_connections(0)
                    .acquire_timeout(Duration::from_secs(1))
                    .connect_lazy(&url)?,
            ),
        };
        Ok(Self { pool, backend, health })
    }

    /// Applies every pending migration of this backend.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::MariaDb => &MYSQL_MIGRATIONS,
        };
        migrator.run(&self.pool).await.context("database migration failed")?;
        Ok(())
    }

    /// The pool, for queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Answers whether the database serves a table read within `timeout` (migrations applied).
    pub async fn ping(&self, timeout: Duration) -> anyhow::Result<()> {
        // A table read, not `SELECT 1`: a Galera node that is not synced (joining, or cut off
        // from the primary component) answers `SELECT 1` but refuses tables (1047).
        let probe = sqlx::query("SELECT 1 FROM _sqlx_migrations LIMIT 1");
        let pool = self.health.as_ref().unwrap_or(&self.pool);
        tokio::time::timeout(timeout, probe.execute(pool)).await.context("database did not answer in time")??;
        Ok(())
    }

    /// Closes every connection (used at shutdown and by tests).
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(health) = &self.health {
            health.close().await;
        }
    }
}

fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:").split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(())
}

/// The current time in UTC milliseconds since the Unix epoch: how every timestamp is stored.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// A fresh random identifier (UUID v4, 36 characters): not guessable, not enumerable.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `?, ?, …` for an `IN (…)` list of `n` values.
pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The rows of `sql` for a list of ids, one query per 500 distinct ids: `sql` holds `{ids}`
/// where the `IN` list goes, e.g. `SELECT id, title FROM t WHERE id IN ({ids})`.
pub async fn fetch_by_ids<T>(db: &Db, sql: &str, ids: &[&str]) -> sqlx::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = db.pool().acquire().await?;
    fetch_by_ids_on(&mut conn, sql, ids).await
}

/// Like [`fetch_by_ids`], on the caller's connection (inside its transaction).
pub async fn fetch_by_ids_on<T>(conn: &mut sqlx::AnyConnection, sql: &str, ids: &[&str]) -> sqlx::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let mut rows = Vec::new();
    for chunk in unique.chunks(500) {
        let sql = sql.replace("{ids}", &placeholders(chunk.len()));
        let mut query = sqlx::query_as::<_, T>(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        rows.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}

/// Whether `id` has the shape of an identifier made by [`new_id`], so malformed ids are a 404
/// before they reach the database.
pub fn is_id(id: &str) -> bool {
    uuid::Uuid::from_str(id).is_ok()
}

/// Whether a database error is a unique-key violation (maps to a 409 with a human message).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Text read from a long-text column. MariaDB reports `TEXT` columns to sqlx's `Any` driver as
/// blobs, SQLite as text: this decodes either into a `String` (invalid UTF-8 is an error).
/// Use it in `FromRow` structs with `#[sqlx(try_from = "DbText")]` on a `String` field, or
/// directly in tuples and scalars.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DbText(pub String);

impl sqlx::Type<sqlx::Any> for DbText {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        use sqlx::any::AnyTypeInfoKind;
        matches!(ty.kind(), AnyTypeInfoKind::Text | AnyTypeInfoKind::Blob | AnyTypeInfoKind::Null)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for DbText {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        match <String as sqlx::Decode<sqlx::Any>>::decode(value.clone()) {
            Ok(text) => Ok(DbText(text)),
            Err(_) => {
                let bytes = <Vec<u8> as sqlx::Decode<sqlx::Any>>::decode(value)?;
                Ok(DbText(String::from_utf8(bytes)?))
            }
        }
    }
}

impl From<DbText> for String {
    fn from(t: DbText) -> String {
        t.0
    }
}
