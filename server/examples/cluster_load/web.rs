//! HTTPS to the cluster as a browser does it: its own cookies, the CSRF token of its session, no
//! automatic redirects (the caller reads `Location`), every request timed and recorded.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, RequestBuilder};

use crate::bench_support::BOUNDARY;
use crate::plan::Plan;
use crate::stats::{Clock, Kind, Recorder, Sample};

/// Tries a step up to this many times, a second apart, while the cluster answers 5xx or nothing.
pub const TRIES: usize = 20;

/// A 5xx or no answer: worth trying again.
pub fn transient(reply: &Reply) -> bool {
    reply.status == 0 || reply.status >= 500
}

pub async fn pause() {
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// The shared connections (HTTP/2 multiplexes many students over each) and the recorder.
#[derive(Clone)]
pub struct Web {
    clients: Arc<Vec<Client>>,
    streams: Client,
    base: Arc<str>,
    clock: Clock,
    recorder: Arc<Recorder>,
}

impl Web {
    pub fn new(plan: &Plan, clock: Clock, recorder: Arc<Recorder>) -> anyhow::Result<Self> {
        let cert = match &plan.ca {
            Some(ca) => {
                let pem = std::fs::read(ca).with_context(|| format!("certificate {}", ca.display()))?;
                Some(reqwest::Certificate::from_pem(&pem)?)
            }
            None => None,
        };
        let builder = || {
            let builder =
                Client::builder().redirect(reqwest::redirect::Policy::none()).connect_timeout(Duration::from_secs(5));
            match &cert {
                Some(cert) => builder.add_root_certificate(cert.clone()),
                None => builder,
            }
        };
        let clients = (0..plan.clients)
            .map(|_| builder().timeout(Duration::from_secs(30)).build())
            .collect::<Result<Vec<_>, _>>()?;
        // An event stream stays open: no overall timeout, but a silent one (the server sends a
        // keep-alive every 15 s) is given up.
        let streams = builder().read_timeout(Duration::from_secs(45)).build()?;
        Ok(Self { clients: Arc::new(clients), streams, base: plan.base_url.as_str().into(), clock, recorder })
    }

    /// A browser of its own (cookies, CSRF token) on connection `n`.
    pub fn browser(&self, n: usize) -> Browser {
        let client = self.clients[n % self.clients.len()].clone();
        Browser { web: self.clone(), client, cookies: BTreeMap::new(), csrf: String::new() }
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }
}

/// What a request got back.
pub struct Reply {
    /// 0: the connection failed or was cut.
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Reply {
    /// 2xx or a redirect.
    pub fn ok(&self) -> bool {
        (200..400).contains(&self.status)
    }
}

/// One simulated browser.
pub struct Browser {
    web: Web,
    client: Client,
    cookies: BTreeMap<String, String>,
    csrf: String,
}

impl Browser {
    pub async fn get(&mut self, kind: Kind, path: &str) -> Reply {
        let request = self.client.get(self.url(path));
        self.send(kind, request).await
    }

    /// A form post with the session's CSRF token (in the header, as htmx sends it).
    pub async fn form(&mut self, kind: Kind, path: &str, fields: &[(&str, &str)], htmx: bool) -> Reply {
        let mut request = self.client.post(self.url(path)).form(fields).header("x-csrf-token", &self.csrf);
        if htmx {
            request = request.header("hx-request", "true");
        }
        self.send(kind, request).await
    }

    /// A multipart body built by `bench_support::frame_body`.
    pub async fn multipart(&mut self, kind: Kind, path: &str, body: Vec<u8>) -> Reply {
        let request = self
            .client
            .post(self.url(path))
            .header(CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .header("x-csrf-token", &self.csrf)
            .body(body);
        self.send(kind, request).await
    }

    /// Opens an event stream; `Err(status)` when it was refused (0: no connection).
    pub async fn stream(&mut self, path: &str) -> Result<reqwest::Response, u16> {
        let request = self.web.streams.get(self.url(path)).header("accept", "text/event-stream");
        let (at_ms, started) = (self.web.clock.now_ms(), Instant::now());
        let result = request.header(COOKIE, self.cookie_header()).send().await;
        let status = result.as_ref().map_or(0, |r| r.status().as_u16());
        self.record(Kind::Stream, at_ms, started, status);
        match result {
            Ok(response) if response.status().is_success() => Ok(response),
            _ => Err(status),
        }
    }

    /// Logs in through the form and keeps the new session's CSRF token.
    pub async fn log_in(&mut self, email: &str) -> anyhow::Result<()> {
        for _ in 0..TRIES {
            let page = self.get(Kind::Login, "/login").await;
            if page.status == 200 && self.take_csrf(&page.body) {
                let fields = [("email", email), ("password", crate::bench_support::PASSWORD)];
                let reply = self.form(Kind::Login, "/login", &fields, false).await;
                if reply.status == 303 {
                    let home = self.get(Kind::Page, "/notifications").await;
                    if home.status == 200 && self.take_csrf(&home.body) {
                        return Ok(());
                    }
                } else if !transient(&reply) {
                    anyhow::bail!("login of {email} refused: {}", reply.status);
                }
            }
            pause().await;
        }
        anyhow::bail!("login of {email}: no answer after {TRIES} tries")
    }

    /// Keeps the CSRF token a page carries in its `<meta name="csrf-token">`.
    pub fn take_csrf(&mut self, page: &str) -> bool {
        match between(page, "name=\"csrf-token\" content=\"", "\"") {
            Some(token) => {
                self.csrf = token.to_owned();
                true
            }
            None => false,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.web.base)
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, kind: Kind, request: RequestBuilder) -> Reply {
        let (at_ms, started) = (self.web.clock.now_ms(), Instant::now());
        let request = if self.cookies.is_empty() { request } else { request.header(COOKIE, self.cookie_header()) };
        let reply = match request.send().await {
            Err(e) => {
                self.web.recorder.note_error(&e);
                Reply { status: 0, location: None, body: String::new() }
            }
            Ok(response) => {
                for value in response.headers().get_all(SET_COOKIE) {
                    let pair = value.to_str().unwrap_or_default().split(';').next().unwrap_or_default();
                    if let Some((name, value)) = pair.split_once('=') {
                        self.cookies.insert(name.trim().to_owned(), value.trim().to_owned());
                    }
                }
                let status = response.status().as_u16();
                let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
                match response.text().await {
                    Ok(body) => Reply { status, location, body },
                    Err(_) => Reply { status: 0, location: None, body: String::new() },
                }
            }
        };
        self.record(kind, at_ms, started, reply.status);
        reply
    }

    fn record(&self, kind: Kind, at_ms: u64, started: Instant, status: u16) {
        self.web.recorder.record(Sample { kind, at_ms, latency: started.elapsed(), status });
    }
}

/// The text between `start` and the next `end`.
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}
