//! The event handler: turns events into in-app notices and queued emails, in the event's
//! transaction (so a redelivered event never notifies twice).

use std::collections::HashSet;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::queries::{self, NewEmail, NewNotification};
use super::routing::{Audience, Delivery, HANDLED, released_attempt, route, storm_key};
use super::texts::{Facts, email_html, email_text, render};
use crate::accounts::model::Role;
use crate::accounts::queries::{Contact as Recipient, contact_on, contacts_with_role_on};
use crate::db::now_ms;
use crate::events::{Event, EventHandler, EventType};
use crate::i18n::Lang;
use crate::wakeup::Wakeup;

/// Default alert-storm window: one anomaly email per proctor and session per 10 minutes.
pub const DEFAULT_STORM_WINDOW: Duration = Duration::from_secs(600);

/// Notifications' consumer of domain events.
pub struct NotificationHandler {
    /// Base of absolute links in emails.
    public_url: String,
    /// At most one anomaly email per (recipient, session) in this window.
    storm_window: Duration,
    /// The application's bell streams, woken once a notification is committed.
    bell: Wakeup,
}

impl NotificationHandler {
    /// A handler with explicit settings, waking `bell` after each committed notification.
    pub fn new(public_url: impl Into<String>, storm_window: Duration, bell: Wakeup) -> Self {
        Self { public_url: public_url.into().trim_end_matches('/').to_owned(), storm_window, bell }
    }

    /// Settings from `PROCTORWISE_PUBLIC_URL` and `PROCTORWISE_ALERT_EMAIL_WINDOW_MINUTES` (default 10).
    pub fn from_env(bell: Wakeup) -> Self {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
        let public_url = var("PROCTORWISE_PUBLIC_URL").unwrap_or_else(|| {
            format!("http://{}", var("PROCTORWISE_BIND").unwrap_or_else(|| "127.0.0.1:8000".into()))
        });
        let minutes = var("PROCTORWISE_ALERT_EMAIL_WINDOW_MINUTES").and_then(|m| m.trim().parse::<u64>().ok());
        Self::new(public_url, minutes.map_or(DEFAULT_STORM_WINDOW, |m| Duration::from_secs(m * 60)), bell)
    }

    async fn resolve(&self, conn: &mut AnyConnection, audience: &Audience) -> sqlx::Result<Vec<Recipient>> {
        match audience {
            Audience::User(id) => Ok(contact_on(conn, id).await?.into_iter().collect()),
            // The exam's assigned proctors; every active proctor when nobody is assigned.
            Audience::ExamProctors(exam_id) => {
                let assigned = crate::monitoring::panels::assignments::proctors_of_exam(conn, exam_id).await?;
                if assigned.is_empty() {
                    return contacts_with_role_on(conn, Role::Proctor).await;
                }
                let mut out = Vec::new();
                for id in assigned {
                    out.extend(contact_on(conn, &id).await?);
                }
                Ok(out)
            }
            Audience::Admins => contacts_with_role_on(conn, Role::Admin).await,
        }
    }

    async fn deliver(
        &self,
        conn: &mut AnyConnection,
        event: &Event,
        delivery: &Delivery,
        to: &Recipient,
        facts: &Facts,
    ) -> sqlx::Result<()> {
        let (in_app, email) = queries::channels(conn, &to.id, delivery.category).await?;
        let lang = to.locale.as_deref().and_then(Lang::parse).unwrap_or_default();
        let notice = render(delivery.template, lang, facts);
        let mut notification_id = None;
        if in_app {
            let new = NewNotification {
                user_id: &to.id,
                event_id: &event.id,
                category: delivery.category,
                title: &notice.title,
                body: &notice.body,
                link: notice.link.as_deref(),
            };
            notification_id = Some(queries::insert_notification(conn, &new).await?);
        }
        if !email {
            return Ok(());
        }
        let key = storm_key(event);
        if let Some(key) = &key {
            let window = i64::try_from(self.storm_window.as_millis()).unwrap_or(i64::MAX);
            if queries::emailed_since(conn, &to.id, key, now_ms().saturating_sub(window)).await? {
                return Ok(());
            }
        }
        let html = email_html(lang, &notice, &self.public_url).into_string();
        let text = email_text(lang, &notice, &self.public_url);
        let new = NewEmail {
            notification_id: notification_id.as_deref(),
            user_id: &to.id,
            to_address: &to.email,
            subject: &notice.title,
            text_body: &text,
            html_body: &html,
            throttle_key: key.as_deref(),
        };
        queries::insert_email(conn, &new).await?;
        Ok(())
    }
}

#[async_trait]
impl EventHandler for NotificationHandler {
    fn name(&self) -> &'static str {
        "notifications"
    }

    fn wants(&self, event_type: &str) -> bool {
        HANDLED.iter().any(|handled| handled.as_str() == event_type)
    }

    async fn handle(&self, tx: &mut AnyConnection, event: &Event) -> anyhow::Result<()> {
        let deliveries = route(event);
        if deliveries.is_empty() {
            return Ok(());
        }
        let mut facts = Facts::gather(tx, event).await?;
        let mut done = HashSet::new();
        for delivery in &deliveries {
            for to in self.resolve(tx, &delivery.audience).await? {
                if event.event_type() == EventType::ResultsReleased {
                    // One notice per released attempt: link each to its own result.
                    facts.attempt_id = released_attempt(event, &to.id).unwrap_or_default();
                }
                if done.insert((to.id.clone(), delivery.template)) {
                    self.deliver(tx, event, delivery, &to, &facts).await?;
                }
            }
        }
        Ok(())
    }

    async fn after_commit(&self, _event: &Event) {
        self.bell.notify();
    }
}
