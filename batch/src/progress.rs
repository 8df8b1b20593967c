//! Progress shown while a job runs: an indicatif spinner with the rows read and the current
//! step when standard error is a terminal, nothing otherwise (Airflow, the server, tests).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A job's progress display (cheap to clone, silent when hidden).
#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Silent progress (server, tests).
    pub fn hidden() -> Self {
        Self { bar: None }
    }

    /// A spinner on standard error when it is a terminal.
    pub fn for_terminal() -> Self {
        if !std::io::stderr().is_terminal() {
            return Self::hidden();
        }
        let bar = ProgressBar::new_spinner();
        let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg} — {human_pos} rows ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(120));
        Self { bar: Some(bar) }
    }

    /// Names the current step.
    pub fn step(&self, message: impl Into<String>) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.into());
        }
    }

    /// Counts rows read.
    pub fn rows(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Removes the spinner (the summary line follows).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
