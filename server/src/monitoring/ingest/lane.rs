//! Frames are decided in groups: each replica runs one frame transaction at a time, and the
//! frames that arrive while it runs are decided together in the next one (group commit). An
//! idle replica decides a lone frame at once; a busy one pays one commit (on Galera, one
//! certification round) for up to [`MAX_GROUP`] frames instead of one each. Every frame is
//! still decided on its session's stored state, under its row lock, exactly as alone (see
//! `decide`); a group that loses a conflict runs again whole.
//!
//! The group runs in a task of its own, so a browser that hangs up does not abort the others.

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
        let decided = crate::db::retry::retry_any("record frames", || decide::group(&state, &facts)).await;
        match decided {
            Ok(all) => {
                lane.groups.fetch_add(1, Ordering::Relaxed);
                lane.decided.fetch_add(all.len() as u64, Ordering::Relaxed);
                lane.largest.fetch_max(all.len() as u64, Ordering::Relaxed);
                for (waiting, one) in group.into_iter().zip(all) {
                    let _ = waiting.reply.send(Ok(one));
                }
            }
            Err(err) => {
                tracing::warn!(frames = group.len(), error = format!("{err:#}"), "frames not recorded");
                for waiting in group {
                    let _ = waiting.reply.send(Err(same_failure(&err)));
                }
            }
        }
    }
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
    use super::*;

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
