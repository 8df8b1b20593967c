//! Live panels over server-sent events (the htmx sse extension swaps the rendered fragments).
//! Like the notification bell, each stream re-reads a cheap change marker in the database, so a
//! change made on any replica reaches proctors connected to any other; a change committed by
//! this application wakes its streams at once (`AppState::live.panels`). Pushes are spaced so a busy exam does not flood them.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::broadcast;

use super::detail;
use super::queries::{self, Scope};
use super::views;
use crate::accounts::extract::{Authed, ProctorOrAdmin};
use crate::app::AppState;
use crate::db::{is_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::web::PageCtx;

/// How often an open stream re-reads its change marker when nothing woke it.
const POLL: Duration = Duration::from_millis(1500);
/// Shortest time between two pushes of the same stream.
const SPACING: Duration = Duration::from_millis(250);
/// Changes committed within the same milliseconds as one already pushed (a burst of server
/// confirmations) leave the change marker or the detection time unchanged: for this long after a
/// change, a stream reads again and looks this far back, pushing only what it has not pushed.
const SETTLE_MS: i64 = 2_000;
/// How far back a panel looks for alerts it has not pushed. An anomaly's detection time is
/// taken inside its transaction, which can commit seconds later under load (a burst of
/// confirmations on SQLite); each alert is pushed once (`known`).
const LOOKBACK_MS: i64 = 60_000;

/// `?after=` : the time the page was rendered (changes after it are pushed).
#[derive(Deserialize)]
pub struct After {
    #[serde(default)]
    after: Option<i64>,
}

enum Kind {
    Panel,
    Session(String),
}

struct StreamState {
    state: AppState,
    ctx: PageCtx,
    scope: Scope,
    kind: Kind,
    version: Option<i64>,
    after: i64,
    known: HashMap<String, i64>,
    frame: Option<String>,
    pending: VecDeque<Event>,
    wake: broadcast::Receiver<()>,
    first: bool,
    /// When the change marker last moved.
    changed_at: i64,
    /// The time the page was rendered: nothing older is pushed.
    floor: i64,
}

async fn next_event(mut s: StreamState) -> Option<(Result<Event, Infallible>, StreamState)> {
    loop {
        if let Some(event) = s.pending.pop_front() {
            return Some((Ok(event), s));
        }
        if !s.first {
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                r = s.wake.recv() => {
                    if matches!(r, Err(broadcast::error::RecvError::Closed)) {
                        return None;
                    }
                    tokio::time::sleep(SPACING).await;
                    // Wakes that came meanwhile are served by this one refresh.
                    while matches!(s.wake.try_recv(), Ok(()) | Err(broadcast::error::TryRecvError::Lagged(_))) {}
                }
            }
        }
        s.first = false;
        if let Err(e) = refresh(&mut s).await {
            tracing::warn!(error = %e, "monitoring stream: cannot read changes");
        }
    }
}

async fn refresh(s: &mut StreamState) -> sqlx::Result<()> {
    let version = match &s.kind {
        Kind::Panel => queries::version(&s.state.db).await?,
        Kind::Session(id) => queries::session_version(&s.state.db, id).await?,
    };
    // A flagged frame checked by the server may change no session row: the "being checked"
    // badges are part of the marker.
    let version = version ^ crate::monitoring::explain::queries::checking_marker(&s.state.db).await?;
    let now = now_ms();
    if s.version == Some(version) && now - s.changed_at > SETTLE_MS {
        return Ok(());
    }
    if s.version != Some(version) {
        s.changed_at = now;
    }
    s.version = Some(version);
    match &s.kind {
        Kind::Panel => panel_events(s).await,
        Kind::Session(id) => {
            let id = id.clone();
            session_events(s, &id).await
        }
    }
}

fn html(name: &str, markup: maud::Markup) -> Event {
    Event::default().event(name).data(markup.into_string())
}

async fn panel_events(s: &mut StreamState) -> sqlx::Result<()> {
    let db = &s.state.db;
    let now = now_ms();
    let stats = queries::stats(db, &s.scope, views::utc_midnight(now)).await?;
    s.pending.push_back(html("stats", views::stats_bar(&s.ctx, &stats)));
    let active = queries::active(db, &s.scope, s.state.config.monitoring().panel_rows).await?;
    let more = views::hidden_rows(&stats, &active);
    s.pending.push_back(html("sessions", views::session_rows(&s.ctx, &active, now, true, more)));
    let since = s.floor.max(s.after - LOOKBACK_MS);
    let mut fresh = queries::recent_alerts(db, &s.scope, since, 100).await?;
    fresh.retain(|a| !s.known.contains_key(&a.id));
    if let Some(newest) = fresh.first() {
        s.after = s.after.max(newest.detected_at);
        for a in &fresh {
            s.known.insert(a.id.clone(), a.detected_at);
        }
        let keep_from = s.after - LOOKBACK_MS;
        s.known.retain(|_, at| *at >= keep_from);
        s.pending.push_back(html("alerts", views::alert_items(&s.ctx, &fresh)));
        for a in fresh.iter().filter(|a| matches!(a.severity.as_str(), "critical" | "high")).take(5) {
            s.pending.push_back(html("toast", views::alert_toast(&s.ctx, a)));
        }
    }
    Ok(())
}

async fn session_events(s: &mut StreamState, id: &str) -> sqlx::Result<()> {
    let db = &s.state.db;
    let Some(session) = queries::session(db, &s.scope, id).await? else { return Ok(()) };
    let now = now_ms();
    s.pending.push_back(html("info", detail::info(&s.ctx, &session, now)));
    let anomalies = queries::anomalies_of(db, id).await?;
    s.pending.push_back(html("summary", detail::summary(&s.ctx, &anomalies)));
    let mut new = Vec::new();
    for a in &anomalies {
        let stamp = a.updated_at;
        match s.known.insert(a.id.clone(), stamp) {
            None if a.detected_at > s.after => new.push(a.clone()),
            Some(before) if before != stamp => {
                s.pending.push_back(html(&format!("status-{}", a.id), detail::anomaly_status(&s.ctx, a)));
            }
            _ => {}
        }
    }
    if !new.is_empty() {
        s.pending.push_back(html("timeline", detail::anomaly_items(&s.ctx, &new)));
    }
    let latest = queries::latest_frame(db, id).await?;
    if latest.as_ref().map(|(f, _)| f) != s.frame.as_ref() {
        s.frame = latest.as_ref().map(|(f, _)| f.clone());
        s.pending.push_back(html("frame", detail::live_frame(&s.ctx, latest.as_ref())));
    }
    Ok(())
}

fn sse(start: StreamState) -> Response {
    Sse::new(futures_util::stream::unfold(start, next_event)).keep_alive(KeepAlive::default()).into_response()
}

fn start(state: AppState, ctx: PageCtx, scope: Scope, kind: Kind, after: i64) -> StreamState {
    let wake = state.live.panels.subscribe();
    StreamState {
        state,
        ctx,
        scope,
        kind,
        version: None,
        after,
        known: HashMap::new(),
        frame: None,
        pending: VecDeque::new(),
        wake,
        first: true,
        changed_at: 0,
        floor: after,
    }
}

/// `GET /proctor/stream`: `stats`, `sessions`, `alerts` and `toast` events.
pub async fn panel_stream(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<ProctorOrAdmin>,
    ctx: PageCtx,
    Query(after): Query<After>,
) -> Response {
    let scope = Scope::of(&user);
    sse(start(state, ctx, scope, Kind::Panel, after.after.unwrap_or_else(now_ms)))
}

/// `GET /proctor/sessions/{session_id}/stream`: `info`, `summary`, `timeline`, `status-{id}`
/// and `frame` events of one session in the caller's scope.
pub async fn session_stream(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<ProctorOrAdmin>,
    ctx: PageCtx,
    Path(session_id): Path<String>,
    Query(after): Query<After>,
) -> AppResult<Response> {
    let scope = Scope::of(&user);
    if !is_id(&session_id) || queries::session(&state.db, &scope, &session_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let after = after.after.unwrap_or_else(now_ms);
    let mut s = start(state.clone(), ctx, scope, Kind::Session(session_id.clone()), after);
    // What the page already shows is known: only later changes are pushed.
    for a in queries::anomalies_of(&state.db, &session_id).await? {
        if a.detected_at <= after {
            s.known.insert(a.id.clone(), if a.updated_at <= after { a.updated_at } else { -1 });
        }
    }
    Ok(sse(s))
}
