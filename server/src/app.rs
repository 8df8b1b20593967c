//! The application state every handler receives. It is plumbing: it knows the database, the
//! configuration and the live wake-ups, and holds whatever the contexts put in it (their
//! parts, typed) at the assembly point (`assembly/`) without naming any of them.

use std::any::type_name;
use std::sync::Arc;
use std::time::Instant;

use axum::http::Extensions;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::wakeup::Wakeups;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// Database pool (SQLite or MariaDB).
    pub db: Db,
    /// Configuration read at start-up.
    pub config: Arc<Config>,
    /// When the process started (uptime in `/health`).
    pub started: Instant,
    /// Wakes this application's open live streams when it commits a change (each state its own).
    pub live: Wakeups,
    /// Where the rules read the time (the system clock; tests move a manual one).
    pub clock: Clock,
    /// The contexts' own parts (frame store, token keys, hooks of the page frame…), one per type.
    parts: Arc<Extensions>,
}

impl AppState {
    /// State on an already migrated database, with no parts yet.
    pub fn bare(config: Config, db: Db) -> Self {
        Self {
            db,
            config: Arc::new(config),
            started: Instant::now(),
            live: Wakeups::default(),
            clock: Clock::system(),
            parts: Arc::default(),
        }
    }

    /// Adds (or replaces) the part of type `T`.
    #[must_use]
    pub fn with<T: Clone + Send + Sync + 'static>(mut self, part: T) -> Self {
        self.insert(part);
        self
    }

    /// Adds (or replaces) the part of type `T` (copying the parts if another state shares them).
    pub fn insert<T: Clone + Send + Sync + 'static>(&mut self, part: T) {
        Arc::make_mut(&mut self.parts).insert(part);
    }

    /// The part of type `T`; the assembly point puts every part in, so a missing one is a bug.
    pub fn part<T: Send + Sync + 'static>(&self) -> &T {
        self.parts
            .get::<T>()
            .unwrap_or_else(|| panic!("{} is not part of the application (server/src/assembly)", type_name::<T>()))
    }

    /// The part of type `T`, if it was put in.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.parts.get::<T>()
    }

    /// The part of type `T`, to change it (copying the parts if another state shares them).
    pub fn part_mut<T: Clone + Send + Sync + 'static>(&mut self) -> &mut T {
        Arc::make_mut(&mut self.parts)
            .get_mut::<T>()
            .unwrap_or_else(|| panic!("{} is not part of the application (server/src/assembly)", type_name::<T>()))
    }
}
