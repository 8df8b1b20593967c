//! What the server decides for a group of frames, in one transaction (see `lane`): it takes the
//! rows of their sessions (a write first, so that SQLite's write lock and MariaDB's row locks are
//! held before the read, which also serialises a session's inputs across replicas), then decides
//! each frame in arrival order on its session's state as the previous frames left it — rate
//! limit, ownership and status, the picture's row, which picture comes next, the rules — and
//! writes each session's row once. A refused frame changes nothing.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::pipeline::{FrameAnswer, Refusal, Step, run_rules};
use super::sampling::{self, Pictures};
use crate::app::AppState;
use crate::db::{DbText, fetch_by_ids_on, new_id, placeholders};
use crate::monitoring::exam_settings::SessionDetection;
use crate::monitoring::rules::{self, Input, Observation, RuleState};
use crate::monitoring::storage::frame_queries::{self, NewFrame};
use crate::monitoring::store::SessionRef;
use crate::monitoring::verify::CLAIM_MS;

/// A capture time more than this before the frame's arrival is taken as the arrival time less
/// this (a browser clock cannot move an observation further back).
const MAX_CAPTURE_AGE_MS: i64 = 30_000;
/// Inputs of a session are counted over this window for the rate limit.
const RATE_WINDOW_MS: i64 = 10_000;

/// What a frame's decision needs (its picture's bytes stay with the request).
pub struct FrameFacts {
    /// The sender.
    pub student_id: String,
    /// Their session.
    pub session_id: String,
    /// Browser sequence number.
    pub seq: i64,
    /// Browser capture time.
    pub captured_at: i64,
    /// The browser's detections (None when its detector could not run).
    pub seen: Option<Observation>,
    /// The verdict as received (kept with a stored frame).
    pub verdict_json: String,
    /// The attached picture's (bytes, width, height), checked.
    pub picture: Option<(usize, u32, u32)>,
}

/// A stored picture's (frame id, storage key, queued for verification now).
pub type StoredFrame = Option<(String, String, bool)>;

/// A frame's decision: the answer and the picture to write, or why it was refused.
pub type Decided = Result<(FrameAnswer, StoredFrame), Refusal>;

/// A session's row as the group changes it.
#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    attempt_id: String,
    exam_id: String,
    student_id: String,
    status: String,
    rate_window_start: i64,
    rate_count: i64,
    frames: i64,
    stored_frames: i64,
    last_frame_at: Option<i64>,
    last_seq: Option<i64>,
    #[sqlx(try_from = "DbText")]
    rule_state: String,
    picture_due_seq: Option<i64>,
    frames_since_picture: i64,
    pictures_withheld: i64,
    clock_offset_ms: Option<i64>,
    detection: Option<DbText>,
    #[sqlx(skip)]
    changed: bool,
    #[sqlx(skip)]
    detection_taken: Option<SessionDetection>,
    #[sqlx(skip)]
    detection_new: bool,
}

/// Decides `frames` (in order) in one transaction; one decision per frame.
pub async fn group(state: &AppState, frames: &[&FrameFacts]) -> anyhow::Result<Vec<Decided>> {
    let now = state.clock.now_ms();
    let ids: Vec<&str> = frames.iter().map(|f| f.session_id.as_str()).collect();
    let mut tx = state.db.pool().begin().await?;
    take_rows(&mut tx, &ids).await?;
    let rows: Vec<Row> = fetch_by_ids_on(
        &mut tx,
        "SELECT id, attempt_id, exam_id, student_id, status, rate_window_start, rate_count, frames, stored_frames, \
         last_frame_at, last_seq, rule_state, picture_due_seq, frames_since_picture, pictures_withheld, \
         clock_offset_ms, detection FROM monitoring_sessions WHERE id IN ({ids})",
        &ids,
    )
    .await?;
    let mut rows: HashMap<String, Row> = rows.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut decided = Vec::with_capacity(frames.len());
    for frame in frames {
        let Some(row) = rows.get_mut(&frame.session_id) else {
            decided.push(Err(Refusal::NotFound));
            continue;
        };
        decided.push(one(&mut tx, state, row, frame, now).await?);
    }
    for row in rows.values().filter(|r| r.changed) {
        write_row(&mut tx, row, now).await?;
    }
    tell_notices(&mut tx, frames, &mut decided, now).await?;
    tx.commit().await?;
    if rows.values().any(|r| r.changed) {
        state.live.panels.notify();
    }
    Ok(decided)
}

/// Takes the rows of `ids` for this transaction (a write that changes nothing).
async fn take_rows(conn: &mut AnyConnection, ids: &[&str]) -> sqlx::Result<()> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let sql =
        format!("UPDATE monitoring_sessions SET rate_count = rate_count WHERE id IN ({})", placeholders(unique.len()));
    let mut query = sqlx::query(&sql);
    for id in unique {
        query = query.bind(id);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Why a frame is refused before anything of it is counted.
fn refusal(row: &Row, frame: &FrameFacts, rate_per_10s: i64, now: i64) -> Option<Refusal> {
    if row.student_id != frame.student_id {
        return Some(Refusal::Forbidden);
    }
    if row.status != "active" {
        return Some(Refusal::Stopped);
    }
    (rate_window(row.rate_window_start, row.rate_count, now).1 > rate_per_10s).then_some(Refusal::Throttled)
}

/// The session's rate window (start, inputs) once an input arriving at `now` is counted: a new
/// window opens when the current one is over.
fn rate_window(start: i64, inputs: i64, now: i64) -> (i64, i64) {
    if start > now - RATE_WINDOW_MS { (start, inputs + 1) } else { (now, 1) }
}

/// Counts the frame on the row.
fn count(row: &mut Row, frame: &FrameFacts, now: i64) {
    (row.rate_window_start, row.rate_count) = rate_window(row.rate_window_start, row.rate_count, now);
    row.frames += 1;
    row.stored_frames += i64::from(frame.picture.is_some());
    row.last_frame_at = Some(now);
    row.last_seq = Some(frame.seq);
    row.changed = true;
}

/// The session's detection settings: kept on its row, or taken from its exam the first time.
async fn detection(conn: &mut AnyConnection, state: &AppState, row: &mut Row) -> sqlx::Result<SessionDetection> {
    if let Some(taken) = &row.detection_taken {
        return Ok(taken.clone());
    }
    let kept = row.detection.as_ref().and_then(|t| serde_json::from_str(&t.0).ok());
    let taken = match kept {
        Some(kept) => kept,
        None => {
            row.detection_new = true;
            SessionDetection::of_exam(conn, state, &row.exam_id).await?
        }
    };
    row.detection_taken = Some(taken.clone());
    Ok(taken)
}

/// Why the server looks at a stored picture.
fn purpose(frame: &FrameFacts, flagged: bool, watching: bool) -> &'static str {
    match (&frame.seen, flagged, watching) {
        (None, _, _) => "unanalysed",
        (Some(_), true, _) => "flagged",
        (Some(_), false, true) => "follow_up",
        (Some(_), false, false) => "sample",
    }
}

/// Decides one frame on its session's row. Visual rules never run on the browser's claim: a
/// picture the browser flagged (or could not analyse, or that the server watches or sampled)
/// waits for the server's models, whose observation alone can open an anomaly.
async fn one(
    conn: &mut AnyConnection,
    state: &AppState,
    row: &mut Row,
    frame: &FrameFacts,
    now: i64,
) -> anyhow::Result<Decided> {
    let cfg = state.config.monitoring();
    if let Some(refused) = refusal(row, frame, cfg.rate_per_10s, now) {
        return Ok(Err(refused));
    }
    count(row, frame, now);
    let session = SessionRef {
        id: row.id.clone(),
        attempt_id: row.attempt_id.clone(),
        exam_id: row.exam_id.clone(),
        student_id: row.student_id.clone(),
    };
    let detection = detection(conn, state, row).await?;
    let rules_cfg = detection.rules(&cfg.rules);
    let rule_state: RuleState = serde_json::from_str(&row.rule_state).unwrap_or_default();
    let watching = rules::watching_visual(&rule_state);
    let flagged = frame.seen.as_ref().is_some_and(|o| rules::flags(o, &rules_cfg));
    // The browser's capture time on the server's clock: the smallest transit seen so far.
    let offset = (now - frame.captured_at).min(row.clock_offset_ms.unwrap_or(i64::MAX));
    row.clock_offset_ms = Some(offset);
    let observed_at = frame.captured_at.saturating_add(offset).clamp(now - MAX_CAPTURE_AGE_MS, now);
    let mut stored = None;
    if let Some((bytes, width, height)) = frame.picture {
        // Pictures that follow one still waiting for the server are watched too: the server
        // must see how what it is checking goes on.
        let waiting = !watching && frame_queries::waiting(conn, &row.id).await?;
        let purpose = purpose(frame, flagged, watching || waiting);
        // The server checks what is claimed: a frame flagged for faces alone (and not watched
        // for an object) gets the face model only; every other picture gets every model.
        let object_flag = frame.seen.as_ref().is_some_and(|o| rules::flags_object(o, &rules_cfg));
        let checked_objects = detection.objects
            && (!matches!(purpose, "flagged" | "follow_up") || object_flag || rules::watching_objects(&rule_state));
        let picture = Picture { size: (bytes, width, height), observed_at, purpose, flagged, checked_objects };
        stored = Some(store_picture(conn, state, row, frame, &picture, now).await?);
    }
    let before = Pictures {
        due_seq: row.picture_due_seq,
        since_picture: row.frames_since_picture,
        withheld: row.pictures_withheld,
    };
    let roll: f64 = rand::Rng::random(&mut rand::rng());
    let pictures = sampling::step(before, frame.seq, frame.picture.is_some(), watching, cfg.baseline_every, roll);
    row.picture_due_seq = pictures.pictures.due_seq;
    row.frames_since_picture = pictures.pictures.since_picture;
    row.pictures_withheld = pictures.pictures.withheld;
    let mut steps = vec![Step::plain(Input::Heartbeat, now)];
    if pictures.pictures.withheld >= sampling::WITHHELD_LIMIT {
        steps.push(Step::plain(Input::Incomplete { reason: "withheld", count: pictures.pictures.withheld }, now));
    }
    let ran = run_rules(conn, state, &session, &detection, &row.rule_state, &steps, None).await?;
    row.rule_state = ran.state;
    let answer = FrameAnswer { stored: false, picture_next: pictures.picture_next, notices: Vec::new() };
    Ok(Ok((answer, stored)))
}

/// A stored picture: its (bytes, width, height), when it was seen (server clock) and what the
/// server does with it.
struct Picture {
    size: (usize, u32, u32),
    observed_at: i64,
    purpose: &'static str,
    flagged: bool,
    checked_objects: bool,
}

/// The row of an attached picture (written to the frame store after the commit).
async fn store_picture(
    conn: &mut AnyConnection,
    state: &AppState,
    row: &Row,
    frame: &FrameFacts,
    picture: &Picture,
    now: i64,
) -> sqlx::Result<(String, String, bool)> {
    let cfg = state.config.monitoring();
    let (bytes, width, height) = picture.size;
    let check = picture.purpose != "sample" || state.verifier().sample_allowed(cfg.sample_share, &mut rand::rng());
    let queue_now = check && state.analyzer().is_some() && state.verifier().has_room();
    let verification = match (check, queue_now) {
        (false, _) => "not_needed",
        (true, true) => "queued",
        (true, false) => "pending",
    };
    let id = new_id();
    let key = crate::monitoring::storage::frame_key(now, &row.id, row.stored_frames);
    let new = NewFrame {
        id: &id,
        session_id: &row.id,
        n: row.stored_frames,
        seq: frame.seq,
        captured_at: frame.captured_at,
        received_at: now,
        observed_at: picture.observed_at,
        storage_key: &key,
        bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
        width: i64::from(width),
        height: i64::from(height),
        client_result: frame.seen.as_ref().map(|_| frame.verdict_json.as_str()),
        flagged: picture.flagged,
        purpose: picture.purpose,
        checked_objects: picture.checked_objects,
        verification,
        claimed: queue_now.then(|| (state.verifier().replica(), now + CLAIM_MS)),
    };
    frame_queries::insert(conn, &new).await?;
    Ok((id, key, queue_now))
}

/// Writes what the group changed on a session's row (its rule state is written by the rules).
async fn write_row(conn: &mut AnyConnection, row: &Row, now: i64) -> anyhow::Result<()> {
    let detection = match (&row.detection_taken, row.detection_new) {
        (Some(taken), true) => Some(serde_json::to_string(taken)?),
        _ => None,
    };
    sqlx::query(
        "UPDATE monitoring_sessions SET rate_window_start = ?, rate_count = ?, frames = ?, stored_frames = ?, \
         last_frame_at = ?, last_seq = ?, updated_at = ?, picture_due_seq = ?, frames_since_picture = ?, \
         pictures_withheld = ?, clock_offset_ms = ?, detection = COALESCE(?, detection) WHERE id = ?",
    )
    .bind(row.rate_window_start)
    .bind(row.rate_count)
    .bind(row.frames)
    .bind(row.stored_frames)
    .bind(row.last_frame_at)
    .bind(row.last_seq)
    .bind(now)
    .bind(row.picture_due_seq)
    .bind(row.frames_since_picture)
    .bind(row.pictures_withheld)
    .bind(row.clock_offset_ms)
    .bind(detection)
    .bind(&row.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Gives each session's confirmed problems not yet told to the answer of its last accepted
/// frame in the group (marking them told).
async fn tell_notices(
    conn: &mut AnyConnection,
    frames: &[&FrameFacts],
    decided: &mut [Decided],
    now: i64,
) -> sqlx::Result<()> {
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, (frame, one)) in frames.iter().zip(decided.iter()).enumerate() {
        if one.is_ok() {
            last.insert(frame.session_id.as_str(), i);
        }
    }
    let sessions: Vec<&str> = last.keys().copied().collect();
    let mut told = super::notices::take_many(conn, &sessions, now).await?;
    for (session, i) in last {
        if let (Some(notices), Some(Ok((answer, _)))) = (told.remove(session), decided.get_mut(i)) {
            answer.notices = notices;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_window_counts_inputs_and_starts_again_when_it_is_over() {
        let mut window = (0, 0);
        for n in 1..=25 {
            window = rate_window(window.0, window.1, 50_000 + n * 100);
            assert_eq!(window, (50_100, n), "input {n} counts in the window opened by the first");
        }
        assert_eq!(rate_window(window.0, window.1, 60_099), (50_100, 26), "still the same window");
        assert_eq!(rate_window(window.0, window.1, 60_100), (60_100, 1), "10 s later a new window opens");
    }
}
