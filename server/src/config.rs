//! Typed configuration read from environment variables, with embedded defaults that run the
//! whole product on one machine (SQLite, local frame storage, in-process events).

use std::any::type_name;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use secrecy::SecretString;

use axum::http::Extensions;

/// Which relational database the server talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Embedded default: one SQLite file under the data directory.
    Sqlite,
    /// Production: MariaDB (or MySQL) reached through `DATABASE_URL=mysql://…`.
    MariaDb,
}

impl Backend {
    /// The backend a database URL points at.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            Ok(Self::MariaDb)
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or mysql:, got {url:?}")
        }
    }
}

/// Everything the server needs to know about its environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address the HTTP server listens on (`PROCTORWISE_BIND`).
    pub bind: SocketAddr,
    /// Root for the SQLite file, stored frames and generated secrets (`PROCTORWISE_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Database connection URL (`DATABASE_URL`); defaults to SQLite in `data_dir`.
    pub database_url: String,
    /// Kafka bootstrap servers (`KAFKA_BROKERS`); `None` keeps events in process.
    pub kafka_brokers: Option<String>,
    /// Partitions of each event topic created at start-up (`KAFKA_TOPIC_PARTITIONS`).
    pub kafka_topic_partitions: i32,
    /// Replication factor of each event topic created at start-up (`KAFKA_REPLICATION_FACTOR`).
    pub kafka_replication_factor: i32,
    /// SMTP relay (`SMTP_URL`); `None` keeps emails pending in the database.
    pub smtp_url: Option<SecretString>,
    /// Sender of emails (`PROCTORWISE_MAIL_FROM`).
    pub mail_from: String,
    /// HDFS namenode (`HDFS_URL`); `None` stores frames on the local filesystem.
    pub hdfs_url: Option<String>,
    /// Directory served under `/static` (`PROCTORWISE_STATIC_DIR`).
    pub static_dir: PathBuf,
    /// Public base URL (`PROCTORWISE_PUBLIC_URL`); `https://` turns on `Secure` cookies.
    pub public_url: String,
    /// Key that signs API tokens (`PROCTORWISE_SECRET`); generated once into the data dir if unset.
    pub secret: SecretString,
    /// Lifetime of API bearer tokens (`PROCTORWISE_TOKEN_TTL_MINUTES`).
    pub token_ttl: Duration,
    /// A browser session ends after this much inactivity (`PROCTORWISE_SESSION_IDLE_MINUTES`).
    pub session_idle: Duration,
    /// Largest request body accepted, in bytes (`PROCTORWISE_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Take the client address from `X-Forwarded-For` (`PROCTORWISE_TRUST_PROXY`): only behind a proxy.
    pub trust_proxy: bool,
    /// Seed the demo accounts and exam when the database has no user (`PROCTORWISE_DEMO`).
    pub seed_demo: bool,
    /// Time each health check of the admin dashboard may take (`PROCTORWISE_HEALTH_TIMEOUT_MS`).
    pub health_timeout: Duration,
    /// Seconds between two refreshes of the admin dashboard (`PROCTORWISE_DASHBOARD_REFRESH_SECONDS`).
    pub dashboard_refresh_secs: u64,
    /// The sections the contexts read (monitoring, detection, batch…), one per type, each read
    /// from the environment by its context and added at the assembly point (`assembly/`).
    sections: Extensions,
}

pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

pub(crate) fn parse_var<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|e| anyhow::anyhow!("{name}={raw:?} is not valid: {e}")),
    }
}

pub(crate) fn parse_bool(name: &str, default: bool) -> anyhow::Result<bool> {
    match var(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => anyhow::bail!("{name}={other:?} must be true or false"),
    }
}

/// Sender of emails when `PROCTORWISE_MAIL_FROM` is unset.
pub const DEFAULT_MAIL_FROM: &str = "ProctorWise <no-reply@localhost>";

/// The SQLite URL used when `DATABASE_URL` is unset.
pub fn default_sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}/proctorwise.db?mode=rwc", data_dir.display())
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        let data_dir = PathBuf::from(var("PROCTORWISE_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| default_sqlite_url(&data_dir));
        Backend::from_url(&database_url)?;
        let bind = parse_var("PROCTORWISE_BIND", SocketAddr::from(([127, 0, 0, 1], 8000)))?;
        let public_url = var("PROCTORWISE_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}"));
        let secret = match var("PROCTORWISE_SECRET") {
            Some(s) if s.len() < 32 => anyhow::bail!("PROCTORWISE_SECRET must have at least 32 characters"),
            Some(s) => SecretString::from(s),
            None => load_or_create_secret(&data_dir)?,
        };
        Ok(Self {
            bind,
            database_url,
            kafka_brokers: var("KAFKA_BROKERS"),
            kafka_topic_partitions: parse_var("KAFKA_TOPIC_PARTITIONS", 3i32)?,
            kafka_replication_factor: parse_var("KAFKA_REPLICATION_FACTOR", 1i32)?,
            smtp_url: var("SMTP_URL").map(SecretString::from),
            mail_from: var("PROCTORWISE_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.into()),
            hdfs_url: var("HDFS_URL"),
            static_dir: PathBuf::from(var("PROCTORWISE_STATIC_DIR").unwrap_or_else(|| "static".into())),
            public_url,
            secret,
            token_ttl: Duration::from_secs(60 * parse_var("PROCTORWISE_TOKEN_TTL_MINUTES", 60u64)?),
            session_idle: Duration::from_secs(60 * parse_var("PROCTORWISE_SESSION_IDLE_MINUTES", 480u64)?),
            max_body_bytes: parse_var("PROCTORWISE_MAX_BODY_BYTES", 2 * 1024 * 1024usize)?,
            trust_proxy: parse_bool("PROCTORWISE_TRUST_PROXY", false)?,
            seed_demo: parse_bool("PROCTORWISE_DEMO", true)?,
            health_timeout: Duration::from_millis(parse_var("PROCTORWISE_HEALTH_TIMEOUT_MS", 2000u64)?),
            dashboard_refresh_secs: parse_var("PROCTORWISE_DASHBOARD_REFRESH_SECONDS", 30u64)?.max(5),
            sections: Extensions::new(),
            data_dir,
        })
    }

    /// A configuration for tests and tools: given data dir and database, defaults elsewhere, no
    /// section yet.
    pub fn for_database(data_dir: PathBuf, database_url: String) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url,
            kafka_brokers: None,
            kafka_topic_partitions: 3,
            kafka_replication_factor: 1,
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.into(),
            hdfs_url: None,
            static_dir: PathBuf::from("static"),
            public_url: "http://127.0.0.1".into(),
            secret: SecretString::from(format!("test-secret-{}", uuid::Uuid::new_v4())),
            token_ttl: Duration::from_secs(3600),
            session_idle: Duration::from_secs(8 * 3600),
            max_body_bytes: 2 * 1024 * 1024,
            trust_proxy: false,
            seed_demo: false,
            health_timeout: Duration::from_millis(2000),
            dashboard_refresh_secs: 30,
            sections: Extensions::new(),
            data_dir,
        }
    }

    /// The database backend this configuration selects.
    pub fn backend(&self) -> Backend {
        Backend::from_url(&self.database_url).unwrap_or(Backend::Sqlite)
    }

    /// Cookies get the `Secure` flag when the public URL is served over TLS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Adds (or replaces) a context's section.
    #[must_use]
    pub fn with_section<T: Clone + Send + Sync + 'static>(mut self, section: T) -> Self {
        self.sections.insert(section);
        self
    }

    /// A context's section; the assembly point adds every section, so a missing one is a bug.
    pub fn section<T: Send + Sync + 'static>(&self) -> &T {
        self.sections
            .get::<T>()
            .unwrap_or_else(|| panic!("{} is not in the configuration (server/src/assembly)", type_name::<T>()))
    }

    /// A context's section, to change it (tests and tools).
    pub fn section_mut<T: Send + Sync + 'static>(&mut self) -> &mut T {
        self.sections
            .get_mut::<T>()
            .unwrap_or_else(|| panic!("{} is not in the configuration (server/src/assembly)", type_name::<T>()))
    }
}

/// Reads `secret.key` from the data dir, creating it with 32 random bytes on first use, so that
/// tokens survive restarts without any setup. Several replicas must share `PROCTORWISE_SECRET`.
fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<SecretString> {
    let path = data_dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 32 {
            return Ok(SecretString::from(existing));
        }
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create data dir {}", data_dir.display()))?;
    let fresh = hex::encode(rand::random::<[u8; 32]>());
    std::fs::write(&path, &fresh).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(SecretString::from(fresh))
}
