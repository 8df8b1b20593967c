//! Live bell: `GET /notifications/stream` pushes the rendered bell whenever the caller's unread
//! count changes. Each stream polls the count (works across replicas) and wakes at once when this
//! application committed a change to notifications (`AppState::live.bell`).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::broadcast;

use super::{queries, views};
use crate::accounts::extract::Authed;
use crate::app::AppState;
use crate::db::Db;
use crate::i18n::Lang;
use crate::web::PageCtx;

/// How often an open stream re-reads the unread count.
const POLL: Duration = Duration::from_millis(2500);

struct StreamState {
    db: Db,
    user_id: String,
    lang: Lang,
    last: Option<i64>,
    wake: broadcast::Receiver<()>,
}

async fn next_change(mut s: StreamState) -> Option<(Result<Event, Infallible>, StreamState)> {
    loop {
        match queries::unread_count(&s.db, &s.user_id).await {
            Ok(n) if s.last != Some(n) => {
                s.last = Some(n);
                let html = views::bell(s.lang, n).into_string();
                return Some((Ok(Event::default().event("bell").data(html)), s));
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "bell stream: cannot count notifications"),
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            r = s.wake.recv() => {
                if matches!(r, Err(broadcast::error::RecvError::Closed)) {
                    return None;
                }
            }
        }
    }
}

/// `GET /notifications/stream`: server-sent `bell` events (the bell fragment), first at once.
pub async fn stream(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    ctx: PageCtx,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let wake = state.live.bell.subscribe();
    let start = StreamState { db: state.db, user_id: user.id, lang: ctx.lang, last: None, wake };
    Sse::new(futures_util::stream::unfold(start, next_change)).keep_alive(KeepAlive::default())
}
