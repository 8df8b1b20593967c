//! How the accounts send an email of their own (a reset link): through a port the
//! notifications context implements (it owns the email outbox and its sender), put in the state
//! by the assembly point.

use std::sync::Arc;

use async_trait::async_trait;
use sqlx::AnyConnection;

use crate::i18n::Lang;

/// An email to one account.
pub struct Letter<'a> {
    /// The account.
    pub user_id: &'a str,
    /// Its address.
    pub to: &'a str,
    /// Its language.
    pub lang: Lang,
    /// Subject (also the title).
    pub subject: &'a str,
    /// Body, plain text.
    pub body: &'a str,
    /// Site-relative link the email opens.
    pub link: &'a str,
}

/// Queues emails for delivery.
#[async_trait]
pub trait Mailbox: Send + Sync {
    /// Queues `letter` on the caller's transaction (sent once it commits).
    async fn post(&self, conn: &mut AnyConnection, letter: &Letter<'_>) -> sqlx::Result<()>;
}

/// The state's part holding the [`Mailbox`].
#[derive(Clone)]
pub struct Mailboxes(pub Arc<dyn Mailbox>);
