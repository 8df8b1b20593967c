//! The assembly point: the one module that knows every context. Each context registers here
//! what it owns (routes, texts, API paths, event handlers, background workers, its part of the
//! configuration and of the state); the plumbing below (`app`, `web`, `views`, `i18n`, `ops`,
//! `events`, `config`, `db`) names no context.

mod router;
mod viewer;
mod workers;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::accounts::recovery::mailbox::Mailboxes;
use crate::accounts::tokens::TokenKeys;
use crate::app::AppState;
use crate::attempts::submit::Graders;
use crate::attempts::takers::Attempts;
use crate::bookings::progress::Progress;
use crate::bookings::seats::BookedSeats;
use crate::config::Config;
use crate::db::Db;
use crate::detection::DetectionConfig;
use crate::events::handler::EventHandler;
use crate::exams::holders::Holders;
use crate::grading::service::AutoGrader;
use crate::i18n::Catalogue;
use crate::monitoring::lifecycle::AttemptGate;
use crate::monitoring::parts::{MonitoringGauges, MonitoringParts, StorageCheck};
use crate::monitoring::settings::MonitorSettings;
use crate::ops::OpsHooks;
use crate::ops::metrics::Metrics;
use crate::reports::runner::BatchConfig;
use crate::routing::{RouteInfo, Routes};
use crate::web::Viewers;

pub use router::build_router;
pub use workers::Background;

/// Every context's routes.
pub fn routes() -> Routes {
    crate::home::routes()
        .merge(crate::accounts::routes())
        .merge(crate::ops::routes())
        .merge(crate::api::routes(&openapi_paths()))
        .merge(crate::exams::routes())
        .merge(crate::bookings::routes())
        .merge(crate::attempts::routes())
        .merge(crate::grading::routes())
        .merge(crate::notifications::routes())
        .merge(crate::dead_letters::routes())
        .merge(crate::analytics::routes())
        .merge(crate::monitoring::routes())
        .merge(crate::detection::routes())
        .merge(crate::reports::routes())
        .note("GET", "/static/{*path}")
}

/// The table of every route the router serves (for the access-matrix test).
pub fn route_table() -> Vec<RouteInfo> {
    routes().into_parts().1
}

/// Every context's interface texts.
pub const CATALOGUES: &[Catalogue] = &[
    crate::accounts::profile::messages::MESSAGES,
    crate::accounts::recovery::messages::MESSAGES,
    crate::exams::messages::MESSAGES,
    crate::exams::detection::messages::MESSAGES,
    crate::bookings::messages::MESSAGES,
    crate::attempts::messages::MESSAGES,
    crate::grading::messages::MESSAGES,
    crate::notifications::messages::MESSAGES,
    crate::dead_letters::messages::MESSAGES,
    crate::analytics::messages::MESSAGES,
    crate::monitoring::messages::MESSAGES,
    crate::monitoring::explain::messages::MESSAGES,
    crate::detection::messages::MESSAGES,
    crate::reports::messages::MESSAGES,
];

/// Installs every context's texts (idempotent).
pub fn install_texts() {
    crate::i18n::install(CATALOGUES);
}

/// The `paths` each context documents in the OpenAPI document.
fn openapi_paths() -> Vec<serde_json::Value> {
    vec![
        crate::accounts::openapi_paths(),
        crate::exams::openapi_paths(),
        crate::bookings::openapi_paths(),
        crate::attempts::openapi_paths(),
        crate::grading::openapi_paths(),
        crate::notifications::openapi_paths(),
        crate::monitoring::openapi_paths(),
    ]
}

/// The OpenAPI document of `/api/v1`, as `GET /api/v1/openapi.json` serves it.
pub fn openapi() -> serde_json::Value {
    crate::api::openapi::spec(&openapi_paths())
}

/// Every event handler of this server; they wake the application's live streams.
pub fn event_handlers(state: &AppState) -> Vec<Arc<dyn EventHandler>> {
    vec![Arc::new(crate::notifications::NotificationHandler::from_env(state.live.bell.clone()))]
}

/// The configuration from the process environment, each context reading its own section.
pub fn config_from_env() -> anyhow::Result<Config> {
    let config = Config::from_env()?;
    let detection = DetectionConfig::from_env()?;
    let monitoring = MonitorSettings::from_env(&config, &detection.thresholds)?;
    let batch = BatchConfig::from_env(&config)?;
    let accounts = crate::accounts::settings::AccountsConfig::from_env()?;
    Ok(config.with_section(detection).with_section(monitoring).with_section(batch).with_section(accounts))
}

/// A configuration for tests and tools: the given data dir and database, defaults elsewhere.
pub fn config_for(data_dir: PathBuf, database_url: String) -> Config {
    let monitoring = MonitorSettings::defaults(&data_dir);
    let batch = BatchConfig::in_dir(&data_dir);
    Config::for_database(data_dir, database_url)
        .with_section(DetectionConfig::in_dir(Path::new("models")))
        .with_section(monitoring)
        .with_section(batch)
        .with_section(crate::accounts::settings::AccountsConfig::default())
}

/// Connects to the database, applies migrations and prepares the state; refuses a frame store
/// that cannot be built (HDFS without the feature).
pub async fn state(config: Config) -> anyhow::Result<AppState> {
    let monitoring = MonitoringParts::new(&config)?;
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    Ok(with_parts(config, db, monitoring))
}

/// The state on an already migrated database (a second replica in tests and benchmarks).
pub fn state_with_db(config: Config, db: Db) -> AppState {
    let monitoring = MonitoringParts::or_local(&config);
    with_parts(config, db, monitoring)
}

fn with_parts(config: Config, db: Db, monitoring: MonitoringParts) -> AppState {
    install_texts();
    let tokens = Arc::new(TokenKeys::new(&config.secret, config.token_ttl));
    let public_url = config.public_url.trim_end_matches('/').to_owned();
    let ops = OpsHooks { checks: vec![Arc::new(StorageCheck)], gauges: vec![Arc::new(MonitoringGauges)] };
    AppState::bare(config, db)
        .with(tokens)
        .with(monitoring)
        .with(Arc::new(Metrics::default()))
        .with(ops)
        .with(Viewers(Arc::new(viewer::SignedIn)))
        .with(Graders(Arc::new(AutoGrader)))
        .with(Progress(Arc::new(Attempts)))
        .with(AttemptGate(Arc::new(Attempts)))
        .with(Mailboxes(Arc::new(crate::notifications::mailbox::Outbox { public_url })))
        .with(Holders { seats: Arc::new(BookedSeats), takers: Arc::new(Attempts) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_translated() {
        install_texts();
        let mut seen = std::collections::HashSet::new();
        for (key, en, fr) in crate::i18n::installed().iter().flat_map(|m| m.iter()) {
            assert!(seen.insert(key), "duplicate key {key}");
            assert!(!en.is_empty() && !fr.is_empty(), "{key} lacks a translation");
        }
    }

    /// Every `t("…")`/`tf("…"` key used in the sources exists in the installed texts.
    #[test]
    fn every_used_key_exists() {
        install_texts();
        let known: std::collections::HashSet<&str> =
            crate::i18n::installed().iter().flat_map(|m| m.iter()).map(|(k, _, _)| *k).collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        visit(&root, &mut |text| {
            for marker in [".t(\"", ".tf(\""] {
                for (i, _) in text.match_indices(marker) {
                    let rest = &text[i + marker.len()..];
                    if let Some(end) = rest.find('"') {
                        let key = &rest[..end];
                        if !known.contains(key) {
                            missing.push(key.to_owned());
                        }
                    }
                }
            }
        });
        assert!(missing.is_empty(), "missing i18n keys: {missing:?}");
    }

    fn visit(dir: &std::path::Path, f: &mut dyn FnMut(&str)) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, f);
            } else if path.extension().is_some_and(|e| e == "rs") {
                f(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
}
