//! Sending queued emails over SMTP (lettre). An email is `sent` only once the server accepted
//! it; otherwise it is retried with exponential back-off and `failed` after [`MAX_ATTEMPTS`].

use std::time::Duration;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::outbox::{self, QueuedEmail};
use crate::db::{Db, now_ms};

/// After this many failed attempts an email is `failed` (still listed on `/admin/emails`).
pub const MAX_ATTEMPTS: i64 = 8;

/// Delay before retry number `attempts` (1-based): 30 s, 1 min, 2 min… capped at 6 h.
pub fn backoff(attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    Duration::from_secs(30u64.saturating_mul(2u64.saturating_pow(exp)).min(6 * 3600))
}

/// An SMTP connection recipe and the sender address.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `smtp://[user:pass@]host[:port][?tls=starttls|opportunistic]` (plain by default) or
    /// `smtps://[user:pass@]host[:port]` (TLS from the first byte, port 465 by default).
    pub fn from_url(smtp_url: &str, from: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(smtp_url).context("SMTP_URL is not a URL")?;
        let host = url.host_str().context("SMTP_URL has no host")?.to_owned();
        let tls_mode = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.to_ascii_lowercase());
        let params = || TlsParameters::new(host.clone()).context("TLS parameters");
        let (tls, default_port) = match (url.scheme(), tls_mode.as_deref()) {
            ("smtps", _) => (Tls::Wrapper(params()?), 465),
            ("smtp", None | Some("none" | "off")) => (Tls::None, 25),
            ("smtp", Some("starttls" | "required")) => (Tls::Required(params()?), 587),
            ("smtp", Some("opportunistic")) => (Tls::Opportunistic(params()?), 587),
            (scheme, tls) => anyhow::bail!("SMTP_URL: unsupported scheme {scheme:?} or tls={tls:?}"),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(url.port().unwrap_or(default_port))
            .tls(tls)
            .timeout(Some(Duration::from_secs(15)));
        if !url.username().is_empty() {
            let user = percent_decode(url.username());
            let pass = percent_decode(url.password().unwrap_or_default());
            builder = builder.credentials(Credentials::new(user, pass));
        }
        let from = from.parse::<Mailbox>().with_context(|| format!("invalid sender address {from:?}"))?;
        Ok(Self { transport: builder.build(), from })
    }

    async fn send(&self, email: &QueuedEmail) -> anyhow::Result<()> {
        let to = email.to_address.parse::<Mailbox>().context("invalid recipient address")?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .multipart(MultiPart::alternative_plain_html(email.text_body.clone(), email.html_body.clone()))
            .context("cannot build the message")?;
        self.transport.send(message).await.context("SMTP")?;
        Ok(())
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Sends every due pending email once; returns how many were accepted by the server.
pub async fn deliver_due(db: &Db, mailer: &Mailer) -> sqlx::Result<usize> {
    let mut sent = 0;
    for email in outbox::claim_due(db, now_ms(), 20).await? {
        match mailer.send(&email).await {
            Ok(()) => {
                outbox::mark_sent(db, &email.id).await?;
                sent += 1;
            }
            Err(e) => {
                let attempts = email.attempts + 1;
                let delay = i64::try_from(backoff(attempts).as_millis()).unwrap_or(i64::MAX);
                let error = format!("{e:#}");
                tracing::warn!(email_id = %email.id, attempts, error = %error, "email not sent");
                outbox::mark_failed_attempt(db, &email.id, attempts, MAX_ATTEMPTS, now_ms() + delay, &error).await?;
            }
        }
    }
    Ok(sent)
}

/// Background sender (started by `server::serve` when `SMTP_URL` is set).
pub async fn run(db: Db, mailer: Mailer, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        crate::heartbeat::beat(&db, "email", i64::try_from(every.as_millis()).unwrap_or(i64::MAX)).await;
        if let Err(e) = deliver_due(&db, &mailer).await {
            tracing::warn!(error = %e, "email sender: database error");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(4), Duration::from_secs(240));
        assert_eq!(backoff(30), Duration::from_secs(6 * 3600));
    }

    #[tokio::test]
    async fn urls() {
        assert!(Mailer::from_url("smtp://127.0.0.1:1025", "ProctorWise <no-reply@localhost>").is_ok());
        assert!(Mailer::from_url("smtps://user:p%40ss@mail.example:465", "a@b.c").is_ok());
        assert!(Mailer::from_url("smtp://mail.example?tls=starttls", "a@b.c").is_ok());
        assert!(Mailer::from_url("http://mail.example", "a@b.c").is_err());
        assert!(Mailer::from_url("smtp://mail.example", "not an address").is_err());
        assert_eq!(percent_decode("p%40s+s"), "p@s+s");
    }
}
