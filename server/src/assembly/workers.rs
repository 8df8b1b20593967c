//! The background work of one server process, each context's started here.

use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use tokio::task::JoinHandle;

use crate::app::AppState;
use crate::events::{EventTasks, RelayConfig};

/// The running background tasks; [`Background::stop`] ends them.
pub struct Background {
    tasks: Vec<JoinHandle<()>>,
    events: EventTasks,
}

impl Background {
    /// Starts every context's background work: account upkeep, auto-submission at the deadline,
    /// reminders before booked exams (unless `PROCTORWISE_REMINDERS=off`),
    /// the email sender (with `SMTP_URL`), the batch scheduler (unless `PROCTORWISE_BATCH_SCHEDULE=off`),
    /// the outbox relay and event consumers, and monitoring's verification workers and timer.
    pub fn start(state: &AppState) -> anyhow::Result<Self> {
        let mut tasks = vec![
            tokio::spawn(crate::accounts::upkeep::run(state.db.clone(), Duration::from_secs(600))),
            tokio::spawn(crate::attempts::worker::run(state.clone(), Duration::from_secs(5))),
        ];
        let leads = crate::bookings::reminders::Leads::from_env();
        if leads.0.is_empty() {
            tracing::info!("PROCTORWISE_REMINDERS=off: no reminders before exams");
        } else {
            tasks.push(tokio::spawn(crate::bookings::reminders::run(state.db.clone(), leads, Duration::from_secs(60))));
        }
        match &state.config.smtp_url {
            Some(url) => {
                let mailer =
                    crate::notifications::email::Mailer::from_url(url.expose_secret(), &state.config.mail_from)
                        .context("SMTP_URL or PROCTORWISE_MAIL_FROM")?;
                tasks.push(tokio::spawn(crate::notifications::email::run(
                    state.db.clone(),
                    mailer,
                    Duration::from_secs(5),
                )));
            }
            None => tracing::info!("SMTP_URL is not set: emails stay pending (listed on /admin/emails)"),
        }
        let batch = state.config.batch();
        match batch.schedule {
            Some(schedule) => {
                tasks.push(tokio::spawn(crate::reports::scheduler::run(state.db.clone(), batch.clone(), schedule)));
            }
            None => tracing::info!(
                "PROCTORWISE_BATCH_SCHEDULE=off: batch jobs run only from /admin/reports or the command line"
            ),
        }
        let events = crate::events::start(
            state.db.clone(),
            &state.config,
            RelayConfig::default(),
            super::event_handlers(state),
        )?;
        tasks.extend(crate::monitoring::start(state));
        Ok(Self { tasks, events })
    }

    /// Stops the workers, then the event tasks: the relay ends its pass, consumers leave their
    /// groups and Kafka clients close before the process exits.
    pub async fn stop(self) {
        for task in self.tasks {
            task.abort();
        }
        if !self.events.shutdown(Duration::from_secs(15)).await {
            tracing::warn!("event tasks aborted after 15 s");
        }
    }
}
