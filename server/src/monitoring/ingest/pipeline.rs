//! The per-session pipeline: a frame is decided with the frames that arrive meanwhile (`lane`,
//! `decide`); a browser event or a timer check takes the session row (rate limit, ownership and
//! status in one conditional update, which also serialises a session's inputs across replicas).
//! Each runs the rules on the stored state and writes anomalies, events and the new state in
//! the same transaction.

use sqlx::AnyConnection;

use super::decide::FrameFacts;
use crate::app::AppState;
use crate::db::{DbText, new_id};
use crate::monitoring::exam_settings::SessionDetection;
use crate::monitoring::rules::{self, Input, Observation, RuleState};
use crate::monitoring::storage::frame_queries;
use crate::monitoring::store::{self, SessionRef};

/// Why an input was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No such session.
    NotFound,
    /// Someone else's session.
    Forbidden,
    /// The session is over (the browser reloads).
    Stopped,
    /// Too many inputs for this session just now.
    Throttled,
}

/// A JPEG that passed the checks.
pub struct CheckedJpeg {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// One frame from the browser.
pub struct FrameIn {
    /// Browser sequence number.
    pub seq: i64,
    /// Browser capture time.
    pub captured_at: i64,
    /// The browser's detections (None when its detector could not run).
    pub seen: Option<Observation>,
    /// The verdict as received (kept with a stored frame).
    pub verdict_json: String,
    /// The frame, if attached.
    pub jpeg: Option<CheckedJpeg>,
}

#[derive(sqlx::FromRow)]
struct Locked {
    attempt_id: String,
    exam_id: String,
    student_id: String,
    rate_count: i64,
    #[sqlx(try_from = "DbText")]
    rule_state: String,
}

/// Takes the session row for a browser event (see the module doc).
async fn lock(conn: &mut AnyConnection, session_id: &str, student_id: &str, now: i64) -> sqlx::Result<Option<Locked>> {
    // MariaDB applies SET assignments left to right with the new values, SQLite with the old
    // ones: `rate_count` is assigned before `rate_window_start` so both read the old window.
    let window_open = now - 10_000;
    let done = sqlx::query(
        "UPDATE monitoring_sessions SET \
         rate_count = CASE WHEN rate_window_start > ? THEN rate_count + 1 ELSE 1 END, \
         rate_window_start = CASE WHEN rate_window_start > ? THEN rate_window_start ELSE ? END, \
         updated_at = ? WHERE id = ? AND student_id = ? AND status = 'active'",
    )
    .bind(window_open)
    .bind(window_open)
    .bind(now)
    .bind(now)
    .bind(session_id)
    .bind(student_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT attempt_id, exam_id, student_id, rate_count, rule_state FROM monitoring_sessions WHERE id = ?",
    )
    .bind(session_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Why the session row could not be taken.
async fn diagnose(state: &AppState, session_id: &str, student_id: &str) -> sqlx::Result<Refusal> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT student_id, status FROM monitoring_sessions WHERE id = ?")
            .bind(session_id)
            .fetch_optional(state.db.pool())
            .await?;
    Ok(match row {
        None => Refusal::NotFound,
        Some((owner, _)) if owner != student_id => Refusal::Forbidden,
        Some(_) => Refusal::Stopped,
    })
}

fn session_ref(id: &str, l: &Locked) -> SessionRef {
    SessionRef {
        id: id.to_owned(),
        attempt_id: l.attempt_id.clone(),
        exam_id: l.exam_id.clone(),
        student_id: l.student_id.clone(),
    }
}

/// One input of the rules at its time, with the evidence merged into what it opens.
pub(in crate::monitoring) struct Step<'a> {
    /// The input.
    pub input: Input<'a>,
    /// When it happened (server clock).
    pub at: i64,
    /// Verdicts, models and thresholds behind a server observation.
    pub evidence: Option<&'a serde_json::Value>,
}

impl<'a> Step<'a> {
    /// An input without evidence.
    pub fn plain(input: Input<'a>, at: i64) -> Self {
        Self { input, at, evidence: None }
    }
}

/// What running the rules left.
pub(in crate::monitoring) struct RulesRun {
    /// Whether anomalies changed.
    pub changed: bool,
    /// The session's rule state now (stored).
    pub state: String,
}

/// Runs inputs through the rules and stores what they produce.
pub(in crate::monitoring) async fn run_rules(
    conn: &mut AnyConnection,
    state: &AppState,
    session: &SessionRef,
    detection: &SessionDetection,
    stored_state: &str,
    steps: &[Step<'_>],
    close_at: Option<i64>,
) -> sqlx::Result<RulesRun> {
    let cfg = state.config.monitoring();
    let rules_cfg = detection.rules(&cfg.rules);
    let mut rule_state: RuleState = serde_json::from_str(stored_state).unwrap_or_default();
    let before = rule_state.clone();
    let window = cfg.rules.high_risk_window_ms / 1000;
    let mut changed = false;
    for step in steps {
        let actions = rules::step(&mut rule_state, &rules_cfg, &step.input, step.at, &mut new_id);
        changed |= store::apply(conn, session, &actions, step.evidence, window).await?;
    }
    if let Some(at) = close_at {
        // A stopped session: what its late frames opened ends with it.
        changed |= store::apply(conn, session, &rules::close_all(&mut rule_state, at), None, window).await?;
    }
    // The time of the newest observation alone is not worth a write per frame (it only orders
    // late server analyses): the state is written when an episode or a window changed.
    let mut compared = rule_state.clone();
    compared.last_seen_at = before.last_seen_at;
    let json = serde_json::to_string(&rule_state).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    if compared != before {
        sqlx::query("UPDATE monitoring_sessions SET rule_state = ? WHERE id = ?")
            .bind(&json)
            .bind(&session.id)
            .execute(&mut *conn)
            .await?;
    }
    if changed {
        store::refresh_risk(conn, &session.id, &detection.risk_weights()).await?;
    }
    Ok(RulesRun { changed, state: json })
}

/// What the browser is told after a frame.
#[derive(Debug, Default)]
pub struct FrameAnswer {
    /// Whether its JPEG was stored.
    pub stored: bool,
    /// Whether the next frame must carry its picture.
    pub picture_next: bool,
    /// Problems the server confirmed since the last answer (kind, label), to tell the student.
    pub notices: Vec<super::notices::Notice>,
}

/// Records one frame: its decision (see `decide`), taken with the frames that arrive meanwhile
/// (see `lane`), then its picture, written after the commit.
pub async fn record_frame(
    state: &AppState,
    student_id: &str,
    session_id: &str,
    frame: FrameIn,
) -> anyhow::Result<Result<FrameAnswer, Refusal>> {
    let FrameIn { seq, captured_at, seen, verdict_json, jpeg } = frame;
    let facts = FrameFacts {
        student_id: student_id.to_owned(),
        session_id: session_id.to_owned(),
        seq,
        captured_at,
        seen,
        verdict_json,
        picture: jpeg.as_ref().map(|j| (j.bytes.len(), j.width, j.height)),
    };
    let (mut answer, stored) = match state.frame_lane().decide(state, facts).await? {
        Ok(decided) => decided,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some((id, key, queued)) = stored else { return Ok(Ok(answer)) };
    let bytes = jpeg.map(|j| j.bytes).unwrap_or_default();
    if let Err(e) = state.frames().put(&key, &bytes).await {
        tracing::warn!(frame_id = id, error = format!("{e:#}"), "frame not stored");
        frame_queries::forget_file(&state.db, &id).await?;
        return Ok(Ok(answer));
    }
    answer.stored = true;
    if queued && !state.verifier().offer(id.clone()) {
        // Filled up meanwhile: the frame waits as pending, the sweeper queues it later.
        frame_queries::unclaim(&state.db, &id).await?;
    }
    Ok(Ok(answer))
}

/// Records a browser event.
pub async fn record_event(
    state: &AppState,
    student_id: &str,
    session_id: &str,
    event: rules::BrowserEvent,
) -> anyhow::Result<Result<(), Refusal>> {
    let now = state.clock.now_ms();
    let mut tx = state.db.pool().begin().await?;
    let Some(locked) = lock(&mut tx, session_id, student_id, now).await? else {
        drop(tx);
        return Ok(Err(diagnose(state, session_id, student_id).await?));
    };
    if locked.rate_count > state.config.monitoring().rate_per_10s {
        return Ok(Err(Refusal::Throttled));
    }
    if event == rules::BrowserEvent::DetectorUnavailable {
        sqlx::query("UPDATE monitoring_sessions SET client_detector = 0 WHERE id = ?")
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
    }
    let session = session_ref(session_id, &locked);
    let steps = [Step::plain(Input::Browser(event), now)];
    let detection = SessionDetection::of_session(&mut tx, state, session_id, &locked.exam_id).await?;
    run_rules(&mut tx, state, &session, &detection, &locked.rule_state, &steps, None).await?;
    tx.commit().await?;
    state.live.panels.notify();
    Ok(Ok(()))
}

/// Applies a timer check to a silent session (connection lost); returns whether anything changed.
pub async fn tick(state: &AppState, session_id: &str, now: i64) -> sqlx::Result<bool> {
    let mut tx = state.db.pool().begin().await?;
    // Taking the row (a no-op write) serialises with the session's frames.
    let took = sqlx::query("UPDATE monitoring_sessions SET rate_count = rate_count WHERE id = ? AND status = 'active'")
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
    if took.rows_affected() == 0 {
        return Ok(false);
    }
    let row: (String, String, String, Option<i64>, i64, DbText) = sqlx::query_as(
        "SELECT attempt_id, exam_id, student_id, last_frame_at, started_at, rule_state FROM monitoring_sessions WHERE id = ?",
    )
    .bind(session_id)
    .fetch_one(&mut *tx)
    .await?;
    let session = SessionRef { id: session_id.to_owned(), attempt_id: row.0, exam_id: row.1, student_id: row.2 };
    let steps = [Step::plain(Input::Tick { last_frame_at: row.3.unwrap_or(row.4) }, now)];
    let detection = SessionDetection::of_session(&mut tx, state, session_id, &session.exam_id).await?;
    let changed = run_rules(&mut tx, state, &session, &detection, &row.5.0, &steps, None).await?.changed;
    tx.commit().await?;
    Ok(changed)
}
