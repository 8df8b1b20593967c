//! Where the application reads the time for its rules: the system clock in production, a clock
//! that tests move by hand (so a test of "silent for 3 intervals" advances the clock instead of
//! sleeping). Timestamps are UTC milliseconds, like [`crate::db::now_ms`].

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// The application's clock (each state its own; copies share it).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that starts at the system's time and moves only when told.
    pub fn manual() -> Self {
        Self { manual: Some(Arc::new(AtomicI64::new(crate::db::now_ms()))) }
    }

    /// The time, UTC milliseconds.
    pub fn now_ms(&self) -> i64 {
        match &self.manual {
            Some(at) => at.load(Ordering::SeqCst),
            None => crate::db::now_ms(),
        }
    }

    /// Moves a manual clock forward.
    ///
    /// # Panics
    /// On the system clock, which nobody moves.
    pub fn advance(&self, by: Duration) {
        let at = self.manual.as_ref().expect("only a manual clock can be moved");
        at.fetch_add(i64::try_from(by.as_millis()).unwrap_or(i64::MAX), Ordering::SeqCst);
    }
}
