//! The accounts' mailbox (a reset link): their letter queued in the email outbox like every
//! other email, with the same layout, sent by the same worker.

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::queries::{self, NewEmail};
use super::texts::{Rendered, email_html, email_text};
use crate::accounts::recovery::mailbox::{Letter, Mailbox};

/// Queues letters in `email_outbox`; links are made absolute with the public URL.
pub struct Outbox {
    /// `PROCTORWISE_PUBLIC_URL`.
    pub public_url: String,
}

#[async_trait]
impl Mailbox for Outbox {
    async fn post(&self, conn: &mut AnyConnection, letter: &Letter<'_>) -> sqlx::Result<()> {
        let rendered = Rendered {
            title: letter.subject.to_owned(),
            body: letter.body.to_owned(),
            link: Some(letter.link.to_owned()),
        };
        let html = email_html(letter.lang, &rendered, &self.public_url).into_string();
        let text = email_text(letter.lang, &rendered, &self.public_url);
        let email = NewEmail {
            notification_id: None,
            user_id: letter.user_id,
            to_address: letter.to,
            subject: letter.subject,
            text_body: &text,
            html_body: &html,
            throttle_key: None,
        };
        queries::insert_email(conn, &email).await.map(|_| ())
    }
}
