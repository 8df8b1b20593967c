//! Frames are decided in groups: each replica runs one frame transaction at a time, and the
//! frames that arrive while it runs are decided together in the next one (group commit). An
//! idle replica decides a lone frame at once; a busy one pays one commit (on Galera, one
//! certification round) for up to [`MAX_GROUP`] frames instead of one each. Every frame is
//! still decided on its session's stored state, under its row lock, exactly as alone (see
//! `decide`); a group that loses a conflict runs again whole, and one that keeps losing (two
//! replicas' groups sharing sessions, on Galera) is split in halves decided one after the other.
//!
//! The group runs in a task of its own, so a browser that hangs up does not abort the others.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::decide::{self, Decided, FrameFacts};
use crate::app::AppState;
use crate::db::retry::{Failure, classify};

/// Frames decided in one transaction at most.
pub const MAX_GROUP: usize = 200;

/// One frame waiting for its decision.
struct Waiting {
    facts: FrameFacts,
    reply: oneshot::Sender<anyhow::Result<Decided>>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Waiting>,
    running: bool,
    /// Frames of the group being decided.
    deciding: usize,
}

/// This replica's frame lane.
#[derive(Default)]
pub struct FrameLane {
    queue: Mutex<Queue>,
    /// Transactions that decided a group.
    groups: AtomicU64,
    /// Frames they decided.
    decided: AtomicU64,
    /// The most frames one transaction decided.
    largest: AtomicU64,
}

impl FrameLane {
    /// Decides one frame, with whatever else arrived meanwhile.
    pub async fn decide(self: &Arc<Self>, state: &AppState, facts: FrameFacts) -> anyhow::Result<Decided> {
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut queue = self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            queue.waiting.push(Waiting { facts, reply });
            !std::mem::replace(&mut queue.running, true)
        };
        if start {
            tokio::spawn(run(self.clone(), state.clone()));
        }
        answer.await.map_err(|_| anyhow::anyhow!("the frame lane stopped before deciding this frame"))?
    }

    /// (groups, frames) decided so far, and the largest group.
    pub fn counts(&self) -> (u64, u64, u64) {
        let load = |n: &AtomicU64| n.load(Ordering::Relaxed);
        (load(&self.groups), load(&self.decided), load(&self.largest))
    }

    /// Frames received and not yet decided (waiting, or in the group being decided).
    pub fn pending(&self) -> usize {
        let queue = self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        queue.waiting.len() + queue.deciding
    }

    /// The lane's counters in the Prometheus text format.
    pub fn render(&self) -> String {
        let (groups, decided, largest) = self.counts();
        let pending = self.pending();
        format!(
            "# HELP proctorwise_frame_groups_total Transactions that decided a group of frames.\n\
             # TYPE proctorwise_frame_groups_total counter\nproctorwise_frame_groups_total {groups}\n\
             # HELP proctorwise_frames_decided_total Frames decided by those transactions.\n\
             # TYPE proctorwise_frames_decided_total counter\nproctorwise_frames_decided_total {decided}\n\
             # HELP proctorwise_frame_group_largest The most frames one transaction decided.\n\
             # TYPE proctorwise_frame_group_largest gauge\nproctorwise_frame_group_largest {largest}\n\
             # HELP proctorwise_frames_pending Frames received and not yet decided.\n\
             # TYPE proctorwise_frames_pending gauge\nproctorwise_frames_pending {pending}\n"
        )
    }

    /// The next group, or `None` (and the lane idle) when nothing waits.
    fn next_group(&self) -> Option<Vec<Waiting>> {
        let mut queue = self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        queue.deciding = 0;
        if queue.waiting.is_empty() {
            queue.running = false;
            return None;
        }
        let n = queue.waiting.len().min(MAX_GROUP);
        queue.deciding = n;
        Some(queue.waiting.drain(..n).collect())
    }
}

/// Marks the lane idle if its task ends early (a panic), so the next frame starts a new one.
struct Running(Arc<FrameLane>);

impl Drop for Running {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut queue = self.0.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            queue.running = false;
            queue.deciding = 0;
        }
    }
}

async fn run(lane: Arc<FrameLane>, state: AppState) {
    let _running = Running(lane.clone());
    while let Some(group) = lane.next_group() {
        let facts: Vec<&FrameFacts> = group.iter().map(|w| &w.facts).collect();
        let decide = |part| decide_part(&state, part);
        let decided = split_on_conflict(&facts, &decide, &|n| lane.count_group(n), conflict).await;
        for (waiting, one) in group.into_iter().zip(decided) {
            if let Err(err) = &one {
                tracing::warn!(session = %waiting.facts.session_id, error = format!("{err:#}"), "frame not recorded");
            }
            let _ = waiting.reply.send(one);
        }
    }
}

/// One transaction for `part`, run again (a bounded number of times) after a conflict.
async fn decide_part<'a>(state: &'a AppState, part: &'a [&'a FrameFacts]) -> anyhow::Result<Vec<Decided>> {
    crate::db::retry::retry_any("record frames", || decide::group(state, part)).await
}

impl FrameLane {
    fn count_group(&self, frames: usize) {
        self.groups.fetch_add(1, Ordering::Relaxed);
        self.decided.fetch_add(frames as u64, Ordering::Relaxed);
        self.largest.fetch_max(frames as u64, Ordering::Relaxed);
    }
}

/// Decides `items` with `decide` (one transaction, already retried a bounded number of times).
/// When it still fails for a transient reason (a deadlock or certification conflict: another
/// replica's group kept committing rows this one needs), each half is decided on its own, first
/// half first, down to single frames: a conflict over one session then costs the frames near it,
/// not the whole group. Order is kept, so a session's frames are still decided in arrival order.
/// Any other failure is answered to every frame at once. `decided(n)` counts each committed part;
/// `conflict` tells a transient failure.
fn split_on_conflict<'a, T: Sync, R: Send + 'a, F, Fut>(
    items: &'a [T],
    decide: &'a F,
    decided: &'a (dyn Fn(usize) + Sync),
    conflict: fn(&anyhow::Error) -> bool,
) -> std::pin::Pin<Box<dyn Future<Output = Vec<anyhow::Result<R>>> + Send + 'a>>
where
    F: Fn(&'a [T]) -> Fut + Sync,
    Fut: Future<Output = anyhow::Result<Vec<R>>> + Send + 'a,
{
    Box::pin(async move {
        match decide(items).await {
            Ok(all) => {
                decided(all.len());
                all.into_iter().map(Ok).collect()
            }
            Err(err) if items.len() > 1 && conflict(&err) => {
                tracing::warn!(
                    frames = items.len(),
                    error = format!("{err:#}"),
                    "group kept conflicting: split in two"
                );
                let (first, second) = items.split_at(items.len() / 2);
                let mut out = split_on_conflict(first, decide, decided, conflict).await;
                out.extend(split_on_conflict(second, decide, decided, conflict).await);
                out
            }
            Err(err) => items.iter().map(|_| Err(same_failure(&err))).collect(),
        }
    })
}

fn conflict(err: &anyhow::Error) -> bool {
    err.downcast_ref::<sqlx::Error>().is_some_and(|e| classify(e) == Failure::Retryable)
}

/// An error of the group for each of its frames, answered the same way (a busy or unreachable
/// database is a 503 for each; anything else a 500).
fn same_failure(err: &anyhow::Error) -> anyhow::Error {
    let text = format!("frames decided together: {err:#}");
    match err.downcast_ref::<sqlx::Error>().map(classify) {
        Some(Failure::Retryable | Failure::Unavailable) => anyhow::Error::new(sqlx::Error::PoolTimedOut).context(text),
        _ => anyhow::anyhow!(text),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// Stands for a conflict in these tests (the real predicate needs a database's error).
    #[derive(Debug)]
    struct Conflict;
    impl std::fmt::Display for Conflict {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("certification conflict")
        }
    }
    impl std::error::Error for Conflict {}
    fn test_conflict(err: &anyhow::Error) -> bool {
        err.downcast_ref::<Conflict>().is_some()
    }

    /// What a run gave: the answers, the parts tried and the sizes of the parts committed.
    type Run = (Vec<Result<u32, String>>, Vec<Vec<u32>>, Vec<usize>);

    /// Runs `split_on_conflict` on 0..n with `fails(part, call)` deciding which parts fail and how.
    fn split(n: u32, fails: impl Fn(&[u32], usize) -> Option<anyhow::Error> + Sync) -> Run {
        let items: Vec<u32> = (0..n).collect();
        let tried = Mutex::new(Vec::new());
        let committed = Mutex::new(Vec::new());
        let calls = AtomicUsize::new(0);
        let decide = |part: &[u32]| {
            tried.lock().expect("tried").push(part.to_vec());
            let call = calls.fetch_add(1, Ordering::SeqCst);
            let out = match fails(part, call) {
                Some(err) => Err(err),
                None => Ok(part.iter().map(|i| i * 10).collect::<Vec<_>>()),
            };
            async move { out }
        };
        let count = |k: usize| committed.lock().expect("committed").push(k);
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let answers = runtime.block_on(split_on_conflict(&items, &decide, &count, test_conflict));
        let answers = answers.into_iter().map(|a| a.map_err(|e| format!("{e:#}"))).collect();
        (answers, tried.into_inner().expect("tried"), committed.into_inner().expect("committed"))
    }

    #[test]
    fn a_group_that_keeps_conflicting_over_one_frame_loses_only_that_frame() {
        let (answers, tried, committed) = split(8, |part, _| part.contains(&5).then(|| anyhow::Error::new(Conflict)));
        let ok: Vec<u32> = answers.iter().filter_map(|a| a.as_ref().ok().copied()).collect();
        assert_eq!(ok, vec![0, 10, 20, 30, 40, 60, 70], "every other frame decided, in order");
        assert!(answers[5].as_ref().is_err_and(|e| e.contains("certification conflict")));
        // [0..8] → [0..4] ok, [4..8] → [4,5] → [4] ok, [5] fails; [6,7] ok.
        assert_eq!(tried.len(), 7, "{tried:?}");
        assert_eq!(committed, vec![4, 1, 2]);
    }

    #[test]
    fn a_conflict_that_passes_costs_one_split() {
        let (answers, tried, committed) = split(6, |_, call| (call == 0).then(|| anyhow::Error::new(Conflict)));
        assert!(answers.iter().all(Result::is_ok));
        assert_eq!(tried, vec![vec![0, 1, 2, 3, 4, 5], vec![0, 1, 2], vec![3, 4, 5]]);
        assert_eq!(committed, vec![3, 3]);
    }

    #[test]
    fn any_other_failure_is_answered_to_every_frame_at_once() {
        let (answers, tried, committed) = split(5, |_, _| Some(anyhow::anyhow!("no such column")));
        assert_eq!(tried.len(), 1, "not split");
        assert!(committed.is_empty());
        assert!(answers.iter().all(|a| a.as_ref().is_err_and(|e| e.contains("no such column"))));
    }

    #[test]
    fn a_busy_database_stays_a_503_for_every_frame_of_the_group() {
        let busy = anyhow::Error::new(sqlx::Error::PoolTimedOut);
        let each = same_failure(&busy);
        let status = crate::error::AppError::from(each).status();
        assert_eq!(status, axum::http::StatusCode::SERVICE_UNAVAILABLE);
        let bug = same_failure(&anyhow::anyhow!("no such column"));
        assert_eq!(crate::error::AppError::from(bug).status(), axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    }
}
