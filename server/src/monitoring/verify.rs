//! Server re-verification: frames the browser flagged (and frames sent without a verdict) go to a
//! bounded queue; a pool of workers runs the full models ([`FrameAnalyzer`]) and confirms or
//! rejects the browser's flags. When the queue is full (or no analyzer is configured) a frame
//! stays `pending` in the database and a sweeper feeds it to the queue later: nothing is dropped.
//! A claim with an expiry (`claimed_until`) lets several replicas share the work.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::app::AppState;
use crate::db::now_ms;

/// Full-model analysis of a frame (the lead's native detector implements it).
pub trait FrameAnalyzer: Send + Sync + 'static {
    /// Full-model analysis of one JPEG (CPU-heavy: call it from spawn_blocking).
    fn analyze(&self, jpeg: &[u8]) -> anyhow::Result<wasm_detector::Detections>;
}

/// How long a queued frame stays claimed before another sweeper may queue it again.
pub const CLAIM_MS: i64 = 60_000;

const LATENCY_BUCKETS_MS: [u64; 10] = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000];

/// The bounded queue and its figures.
pub struct VerifyQueue {
    sender: mpsc::Sender<String>,
    receiver: Mutex<Option<mpsc::Receiver<String>>>,
    latency: Mutex<([u64; LATENCY_BUCKETS_MS.len()], u64, u64)>,
    analysis_ms_total: AtomicU64,
    verified: AtomicU64,
    failed: AtomicU64,
    deferred: AtomicU64,
}

impl VerifyQueue {
    /// A queue holding at most `capacity` frame ids.
    pub fn new(capacity: usize) -> Self {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        Self {
            sender,
            receiver: Mutex::new(Some(receiver)),
            latency: Mutex::new(([0; LATENCY_BUCKETS_MS.len()], 0, 0)),
            analysis_ms_total: AtomicU64::new(0),
            verified: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            deferred: AtomicU64::new(0),
        }
    }

    /// Frames waiting in the queue now.
    pub fn depth(&self) -> usize {
        self.sender.max_capacity() - self.sender.capacity()
    }

    /// Whether the queue has room for one more frame.
    pub fn has_room(&self) -> bool {
        self.sender.capacity() > 0
    }

    /// Queues a frame id; false when full (the frame stays pending).
    pub fn offer(&self, frame_id: String) -> bool {
        let ok = self.sender.try_send(frame_id).is_ok();
        if !ok {
            self.deferred.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    fn take_receiver(&self) -> Option<mpsc::Receiver<String>> {
        self.receiver.lock().ok().and_then(|mut r| r.take())
    }

    fn observe(&self, latency_ms: u64, analysis_ms: u64) {
        self.verified.fetch_add(1, Ordering::Relaxed);
        self.analysis_ms_total.fetch_add(analysis_ms, Ordering::Relaxed);
        if let Ok(mut h) = self.latency.lock() {
            for (i, bound) in LATENCY_BUCKETS_MS.iter().enumerate() {
                if latency_ms <= *bound {
                    h.0[i] += 1;
                }
            }
            h.1 += latency_ms;
            h.2 += 1;
        }
    }

    /// Prometheus lines: queue depth, verification latency histogram, counters.
    pub fn render(&self, pending: i64) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP proctorwise_verify_queue_depth Frames waiting in this replica's re-verification queue.\n# TYPE proctorwise_verify_queue_depth gauge\nproctorwise_verify_queue_depth {}",
            self.depth()
        );
        let _ = writeln!(
            out,
            "# HELP proctorwise_verify_pending_frames Frames stored as pending verification (back-pressure or no analyzer).\n# TYPE proctorwise_verify_pending_frames gauge\nproctorwise_verify_pending_frames {pending}"
        );
        for (name, help, value) in [
            ("verify_frames_total", "Frames verified by this replica.", &self.verified),
            ("verify_failures_total", "Frames whose analysis failed.", &self.failed),
            ("verify_deferred_total", "Frames left pending because the queue was full.", &self.deferred),
            ("verify_analysis_ms_total", "Time spent in the analyzer, ms.", &self.analysis_ms_total),
        ] {
            let _ = writeln!(
                out,
                "# HELP proctorwise_{name} {help}\n# TYPE proctorwise_{name} counter\nproctorwise_{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP proctorwise_verify_latency_seconds From frame reception to verdict.\n# TYPE proctorwise_verify_latency_seconds histogram"
        );
        if let Ok(h) = self.latency.lock() {
            for (bound, n) in LATENCY_BUCKETS_MS.iter().zip(h.0) {
                let _ =
                    writeln!(out, "proctorwise_verify_latency_seconds_bucket{{le=\"{}\"}} {n}", *bound as f64 / 1000.0);
            }
            let _ = writeln!(out, "proctorwise_verify_latency_seconds_bucket{{le=\"+Inf\"}} {}", h.2);
            let _ = writeln!(out, "proctorwise_verify_latency_seconds_sum {}", h.1 as f64 / 1000.0);
            let _ = writeln!(out, "proctorwise_verify_latency_seconds_count {}", h.2);
        }
        out
    }
}

/// Starts the worker pool and the sweeper of pending frames (once per queue; needs an analyzer).
pub fn start_workers(state: &AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let Some(analyzer) = state.analyzer.clone() else {
        tracing::info!("no frame analyzer configured: flagged frames stay pending verification");
        return Vec::new();
    };
    let Some(receiver) = state.verifier.take_receiver() else { return Vec::new() };
    let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
    let mut tasks = Vec::new();
    for _ in 0..state.config.monitoring.workers {
        let (state, analyzer, receiver) = (state.clone(), analyzer.clone(), receiver.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let next = receiver.lock().await.recv().await;
                let Some(frame_id) = next else { return };
                if let Err(e) = process(&state, analyzer.clone(), &frame_id).await {
                    state.verifier.failed.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(frame_id, error = format!("{e:#}"), "frame verification failed");
                }
            }
        }));
    }
    let sweeper = state.clone();
    tasks.push(tokio::spawn(async move {
        loop {
            match sweep(&sweeper).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pending-frame sweep failed"),
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }));
    tasks
}

/// Claims pending frames (oldest first) while the queue has room; returns how many were queued.
pub async fn sweep(state: &AppState) -> sqlx::Result<usize> {
    let room = state.verifier.sender.capacity();
    if room == 0 {
        return Ok(0);
    }
    let now = now_ms();
    let candidates = super::frame_queries::claimable(&state.db, now, room).await?;
    let mut queued = 0;
    for id in candidates {
        if !super::frame_queries::claim(&state.db, &id, now, now + CLAIM_MS).await? {
            continue;
        }
        if state.verifier.offer(id.clone()) {
            queued += 1;
        } else {
            super::frame_queries::unclaim(&state.db, &id).await?;
            break;
        }
    }
    Ok(queued)
}

async fn process(state: &AppState, analyzer: Arc<dyn FrameAnalyzer>, frame_id: &str) -> anyhow::Result<()> {
    let Some(frame) = super::frame_queries::for_verification(&state.db, frame_id).await? else { return Ok(()) };
    let Some(key) = frame.storage_key.clone() else {
        super::frame_queries::mark_failed(&state.db, frame_id).await?;
        return Ok(());
    };
    let Some(jpeg) = state.frames.get(&key).await? else {
        super::frame_queries::mark_failed(&state.db, frame_id).await?;
        return Ok(());
    };
    let started = Instant::now();
    let result = tokio::task::spawn_blocking(move || analyzer.analyze(&jpeg)).await?;
    let analysis_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let detections = match result {
        Ok(d) => d,
        Err(e) => {
            super::frame_queries::mark_failed(&state.db, frame_id).await?;
            return Err(e.context("analyzer"));
        }
    };
    if super::verification::apply_verification(state, &frame, &detections, analysis_ms).await? {
        let latency = u64::try_from(now_ms().saturating_sub(frame.received_at)).unwrap_or(0);
        state.verifier.observe(latency, analysis_ms);
        super::live::changed();
    }
    Ok(())
}
