//! The per-session pipeline: each frame or browser event takes the session row (rate limit,
//! counters, ownership and status in one conditional update, which also serialises a session's
//! inputs across replicas), runs the rules on the stored state and writes anomalies, events and
//! the new state in the same transaction.

use sqlx::AnyConnection;

use super::sampling::{self, Pictures};
use crate::app::AppState;
use crate::db::{DbText, new_id};
use crate::monitoring::exam_settings::SessionDetection;
use crate::monitoring::rules::{self, Input, Observation, RuleState};
use crate::monitoring::storage::frame_queries::{self, NewFrame};
use crate::monitoring::store::{self, SessionRef};
use crate::monitoring::verify::CLAIM_MS;

/// A capture time more than this before the frame's arrival is taken as the arrival time less
/// this (a browser clock cannot move an observation further back).
const MAX_CAPTURE_AGE_MS: i64 = 30_000;

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
    stored_frames: i64,
    #[sqlx(try_from = "DbText")]
    rule_state: String,
    picture_due_seq: Option<i64>,
    frames_since_picture: i64,
    pictures_withheld: i64,
    clock_offset_ms: Option<i64>,
}

/// Takes the session row for one input (see the module doc); `frame` adds to the frame counters.
async fn lock(
    conn: &mut AnyConnection,
    session_id: &str,
    student_id: &str,
    frame: Option<(bool, i64)>,
    now: i64,
) -> sqlx::Result<Option<Locked>> {
    // MariaDB applies SET assignments left to right with the new values, SQLite with the old
    // ones: `rate_count` is assigned before `rate_window_start` so both read the old window.
    let window_open = now - 10_000;
    let (frames, stored, last_seq) = match frame {
        Some((stored, seq)) => (1, i64::from(stored), Some(seq)),
        None => (0, 0, None),
    };
    let done = sqlx::query(
        "UPDATE monitoring_sessions SET \
         rate_count = CASE WHEN rate_window_start > ? THEN rate_count + 1 ELSE 1 END, \
         rate_window_start = CASE WHEN rate_window_start > ? THEN rate_window_start ELSE ? END, \
         frames = frames + ?, stored_frames = stored_frames + ?, \
         last_frame_at = CASE WHEN ? = 1 THEN ? ELSE last_frame_at END, last_seq = COALESCE(?, last_seq), \
         updated_at = ? WHERE id = ? AND student_id = ? AND status = 'active'",
    )
    .bind(window_open)
    .bind(window_open)
    .bind(now)
    .bind(frames)
    .bind(stored)
    .bind(frames)
    .bind(now)
    .bind(last_seq)
    .bind(now)
    .bind(session_id)
    .bind(student_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT attempt_id, exam_id, student_id, rate_count, stored_frames, rule_state, picture_due_seq, \
         frames_since_picture, pictures_withheld, clock_offset_ms FROM monitoring_sessions WHERE id = ?",
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

/// Runs inputs through the rules and stores what they produce; returns whether anomalies changed.
pub(in crate::monitoring) async fn run_rules(
    conn: &mut AnyConnection,
    state: &AppState,
    session: &SessionRef,
    detection: &SessionDetection,
    stored_state: &str,
    steps: &[Step<'_>],
    close_at: Option<i64>,
) -> sqlx::Result<bool> {
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
    if compared != before {
        let json = serde_json::to_string(&rule_state).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query("UPDATE monitoring_sessions SET rule_state = ? WHERE id = ?")
            .bind(json)
            .bind(&session.id)
            .execute(&mut *conn)
            .await?;
    }
    if changed {
        store::refresh_risk(conn, &session.id, &detection.risk_weights()).await?;
    }
    Ok(changed)
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

/// Why the server looks at a stored picture.
fn purpose(frame: &FrameIn, flagged: bool, watching: bool) -> &'static str {
    match (&frame.seen, flagged, watching) {
        (None, _, _) => "unanalysed",
        (Some(_), true, _) => "flagged",
        (Some(_), false, true) => "follow_up",
        (Some(_), false, false) => "sample",
    }
}

/// Records one frame. Visual rules never run on the browser's claim: a picture the browser
/// flagged (or could not analyse, or that the server watches or sampled) waits for the
/// server's models, whose observation alone can open an anomaly (see `verification`).
pub async fn record_frame(
    state: &AppState,
    student_id: &str,
    session_id: &str,
    frame: FrameIn,
) -> anyhow::Result<Result<FrameAnswer, Refusal>> {
    // The decision is one transaction; a lost deadlock (on Galera, a certification conflict with
    // a verification or the timer on the same session) runs it again. The picture is written
    // after the commit, once.
    let decided = crate::db::retry::retry_any("record frame", || decide(state, student_id, session_id, &frame)).await?;
    let (mut answer, stored) = match decided {
        Ok(decided) => decided,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some((id, key, queued)) = stored else { return Ok(Ok(answer)) };
    let bytes = frame.jpeg.map(|j| j.bytes).unwrap_or_default();
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

/// A stored picture's (frame id, storage key, queued for verification now).
type StoredFrame = Option<(String, String, bool)>;

/// The frame's transaction: the session's rules, the picture's row, the answer.
async fn decide(
    state: &AppState,
    student_id: &str,
    session_id: &str,
    frame: &FrameIn,
) -> anyhow::Result<Result<(FrameAnswer, StoredFrame), Refusal>> {
    let cfg = state.config.monitoring();
    let now = state.clock.now_ms();
    let mut tx = state.db.pool().begin().await?;
    let Some(locked) = lock(&mut tx, session_id, student_id, Some((frame.jpeg.is_some(), frame.seq)), now).await?
    else {
        drop(tx);
        return Ok(Err(diagnose(state, session_id, student_id).await?));
    };
    if locked.rate_count > cfg.rate_per_10s {
        return Ok(Err(Refusal::Throttled));
    }
    let session = session_ref(session_id, &locked);
    let detection = SessionDetection::of_session(&mut tx, state, session_id, &locked.exam_id).await?;
    let rules_cfg = detection.rules(&cfg.rules);
    let rule_state: RuleState = serde_json::from_str(&locked.rule_state).unwrap_or_default();
    let watching = rules::watching_visual(&rule_state);
    let flagged = frame.seen.as_ref().is_some_and(|o| rules::flags(o, &rules_cfg));
    // The browser's capture time on the server's clock: the smallest transit seen so far.
    let offset = (now - frame.captured_at).min(locked.clock_offset_ms.unwrap_or(i64::MAX));
    let observed_at = frame.captured_at.saturating_add(offset).clamp(now - MAX_CAPTURE_AGE_MS, now);
    let mut stored = None;
    if let Some(jpeg) = &frame.jpeg {
        // Pictures that follow one still waiting for the server are watched too: the server
        // must see how what it is checking goes on.
        let waiting = !watching && frame_queries::waiting(&mut tx, session_id).await?;
        let purpose = purpose(frame, flagged, watching || waiting);
        // The server checks what is claimed: a frame flagged for faces alone (and not watched
        // for an object) gets the face model only; every other picture gets every model.
        let object_flag = frame.seen.as_ref().is_some_and(|o| rules::flags_object(o, &rules_cfg));
        let checked_objects = detection.objects
            && (!matches!(purpose, "flagged" | "follow_up") || object_flag || rules::watching_objects(&rule_state));
        let check = purpose != "sample" || state.verifier().sample_allowed(cfg.sample_share, &mut rand::rng());
        let queue_now = check && state.analyzer().is_some() && state.verifier().has_room();
        let verification = match (check, queue_now) {
            (false, _) => "not_needed",
            (true, true) => "queued",
            (true, false) => "pending",
        };
        let id = new_id();
        let key = crate::monitoring::storage::frame_key(now, session_id, locked.stored_frames);
        let new = NewFrame {
            id: &id,
            session_id,
            n: locked.stored_frames,
            seq: frame.seq,
            captured_at: frame.captured_at,
            received_at: now,
            observed_at,
            storage_key: &key,
            bytes: i64::try_from(jpeg.bytes.len()).unwrap_or(i64::MAX),
            width: i64::from(jpeg.width),
            height: i64::from(jpeg.height),
            client_result: frame.seen.as_ref().map(|_| frame.verdict_json.as_str()),
            flagged,
            purpose,
            checked_objects,
            verification,
            claimed: queue_now.then(|| (state.verifier().replica(), now + CLAIM_MS)),
        };
        frame_queries::insert(&mut tx, &new).await?;
        stored = Some((id, key, queue_now));
    }
    let before = Pictures {
        due_seq: locked.picture_due_seq,
        since_picture: locked.frames_since_picture,
        withheld: locked.pictures_withheld,
    };
    let roll: f64 = rand::Rng::random(&mut rand::rng());
    let pictures = sampling::step(before, frame.seq, frame.jpeg.is_some(), watching, cfg.baseline_every, roll);
    sqlx::query(
        "UPDATE monitoring_sessions SET picture_due_seq = ?, frames_since_picture = ?, pictures_withheld = ?, \
         clock_offset_ms = ? WHERE id = ?",
    )
    .bind(pictures.pictures.due_seq)
    .bind(pictures.pictures.since_picture)
    .bind(pictures.pictures.withheld)
    .bind(offset)
    .bind(session_id)
    .execute(&mut *tx)
    .await?;
    let mut steps = vec![Step::plain(Input::Heartbeat, now)];
    if pictures.pictures.withheld >= sampling::WITHHELD_LIMIT {
        steps.push(Step::plain(Input::Incomplete { reason: "withheld", count: pictures.pictures.withheld }, now));
    }
    run_rules(&mut tx, state, &session, &detection, &locked.rule_state, &steps, None).await?;
    let notices = super::notices::take(&mut tx, session_id, now).await?;
    tx.commit().await?;
    state.live.panels.notify();
    Ok(Ok((FrameAnswer { stored: false, picture_next: pictures.picture_next, notices }, stored)))
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
    let Some(locked) = lock(&mut tx, session_id, student_id, None, now).await? else {
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
    let changed = run_rules(&mut tx, state, &session, &detection, &row.5.0, &steps, None).await?;
    tx.commit().await?;
    Ok(changed)
}
