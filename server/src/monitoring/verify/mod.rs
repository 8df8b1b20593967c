//! Server verification: pictures the browser flagged, could not analyse, or that the server
//! watches or sampled go to a bounded queue; workers run the full models ([`FrameAnalyzer`]) on
//! a pool of lower-priority threads, and only their observations reach the visual rules. When
//! the queue is full (or no analyzer is configured) a frame stays `pending` in the database and
//! a sweeper feeds it to the queue later, oldest first: nothing is dropped. A claim (replica,
//! expiry) lets several replicas share the work; a replica renews the claims of the frames in
//! its queue, so no other sweeper queues them again, and releases them when it starts again.

mod pool;
pub mod verdicts;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::app::AppState;
use crate::db::now_ms;
use pool::AnalysisPool;

/// Full-model analysis of a frame (the native detector implements it).
pub trait FrameAnalyzer: Send + Sync + 'static {
    /// Full-model analysis of one JPEG (CPU-heavy: runs on an analysis thread).
    fn analyze(&self, jpeg: &[u8]) -> anyhow::Result<wasm_detector::Detections>;

    /// The face models only (a frame the browser flagged for faces alone: the server checks
    /// what is claimed, faster). By default, the full analysis.
    fn analyze_faces(&self, jpeg: &[u8]) -> anyhow::Result<wasm_detector::Detections> {
        self.analyze(jpeg)
    }

    /// The models behind this analysis, as stored with each anomaly
    /// (`{"faces": name, "objects": name}`).
    fn models(&self, _detections: &wasm_detector::Detections) -> serde_json::Value {
        serde_json::json!({})
    }
}

/// The server's full models (`PROCTORWISE_MODEL_*`) are the analyzer of production.
impl FrameAnalyzer for crate::detection::ServerDetector {
    fn analyze(&self, jpeg: &[u8]) -> anyhow::Result<wasm_detector::Detections> {
        self.analyze_image(jpeg)
    }

    fn analyze_faces(&self, jpeg: &[u8]) -> anyhow::Result<wasm_detector::Detections> {
        self.faces_only(jpeg)
    }

    fn models(&self, detections: &wasm_detector::Detections) -> serde_json::Value {
        self.models_behind(detections)
    }
}

/// How long a queued frame stays claimed without renewal before another sweeper may queue it.
pub const CLAIM_MS: i64 = 30_000;

/// The analysis budget of sampled clean pictures: a token bucket of analysis milliseconds.
struct SampleBudget {
    /// Milliseconds of analysis allowed per second.
    rate: f64,
    /// Tokens and when they were last topped up.
    state: Mutex<(f64, Instant)>,
}

impl SampleBudget {
    fn new(cpu_percent: u32) -> Self {
        let rate = f64::from(cpu_percent) * 10.0;
        Self { rate, state: Mutex::new((rate * 10.0, Instant::now())) }
    }

    /// Takes `cost` ms of analysis if the budget has them (at most 10 s of budget saved up).
    fn try_take(&self, cost: f64) -> bool {
        let Ok(mut s) = self.state.lock() else { return false };
        let now = Instant::now();
        s.0 = (s.0 + now.duration_since(s.1).as_secs_f64() * self.rate).min(self.rate * 10.0);
        s.1 = now;
        if s.0 >= cost {
            s.0 -= cost;
            true
        } else {
            false
        }
    }
}

const LATENCY_BUCKETS_MS: [u64; 10] = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000];

/// The bounded queue and its figures.
pub struct VerifyQueue {
    sender: mpsc::Sender<String>,
    receiver: Mutex<Option<mpsc::Receiver<String>>>,
    /// Frames in this replica's queue now (the sweeper neither queues them again nor lets
    /// their claims expire).
    held: Mutex<HashSet<String>>,
    replica: String,
    budget: SampleBudget,
    sampled: AtomicU64,
    latency: Mutex<([u64; LATENCY_BUCKETS_MS.len()], u64, u64)>,
    analysis_ms_total: AtomicU64,
    verified: AtomicU64,
    failed: AtomicU64,
    deferred: AtomicU64,
}

impl VerifyQueue {
    /// A queue holding at most `capacity` frame ids, for the replica `replica`, analysing
    /// sampled clean pictures within `sample_cpu_percent` of one core.
    pub fn new(capacity: usize, replica: &str, sample_cpu_percent: u32) -> Self {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        Self {
            sender,
            receiver: Mutex::new(Some(receiver)),
            held: Mutex::default(),
            replica: replica.to_owned(),
            budget: SampleBudget::new(sample_cpu_percent),
            sampled: AtomicU64::new(0),
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

    /// This replica's name in claims.
    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// Queues a frame id; false when full (the frame stays pending).
    pub fn offer(&self, frame_id: String) -> bool {
        if let Ok(mut held) = self.held.lock() {
            held.insert(frame_id.clone());
        }
        let ok = self.sender.try_send(frame_id.clone()).is_ok();
        if !ok {
            self.release(&frame_id);
            self.deferred.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    fn release(&self, frame_id: &str) {
        if let Ok(mut held) = self.held.lock() {
            held.remove(frame_id);
        }
    }

    fn holds(&self, frame_id: &str) -> bool {
        self.held.lock().is_ok_and(|h| h.contains(frame_id))
    }

    fn held_ids(&self) -> Vec<String> {
        self.held.lock().map(|h| h.iter().cloned().collect()).unwrap_or_default()
    }

    /// Whether a sampled clean picture is analysed too: a random `share` of them, within the
    /// CPU budget (at the mean analysis time measured so far).
    pub fn sample_allowed(&self, share: f64, rng: &mut impl rand::Rng) -> bool {
        if rng.random::<f64>() >= share {
            return false;
        }
        let n = self.verified.load(Ordering::Relaxed);
        let cost = if n == 0 { 300.0 } else { self.analysis_ms_total.load(Ordering::Relaxed) as f64 / n as f64 };
        let ok = self.budget.try_take(cost.max(1.0));
        if ok {
            self.sampled.fetch_add(1, Ordering::Relaxed);
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
            ("verify_sampled_total", "Sampled clean pictures chosen for analysis.", &self.sampled),
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
    let Some(analyzer) = state.analyzer().cloned() else {
        tracing::info!("no frame analyzer configured: flagged frames stay pending verification");
        return Vec::new();
    };
    let Some(receiver) = state.verifier().take_receiver() else { return Vec::new() };
    let workers = state.config.monitoring().workers;
    let pool = match AnalysisPool::start(analyzer, workers) {
        Ok(pool) => Arc::new(pool),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "cannot start the analysis threads: frames stay pending");
            return Vec::new();
        }
    };
    let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (state, pool, receiver) = (state.clone(), pool.clone(), receiver.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let next = receiver.lock().await.recv().await;
                let Some(frame_id) = next else { return };
                if let Err(e) = process(&state, &pool, &frame_id).await {
                    state.verifier().failed.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(frame_id, error = format!("{e:#}"), "frame verification failed");
                }
                state.verifier().release(&frame_id);
            }
        }));
    }
    let sweeper = state.clone();
    tasks.push(tokio::spawn(async move {
        match super::storage::frame_queries::release_replica(&sweeper.db, sweeper.verifier().replica()).await {
            Ok(n) if n > 0 => tracing::info!(frames = n, "frames queued before a restart are pending again"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot release the frames of a previous run"),
        }
        let mut renewed = Instant::now();
        loop {
            if renewed.elapsed() >= Duration::from_millis(u64::try_from(CLAIM_MS / 3).unwrap_or(10_000)) {
                renewed = Instant::now();
                let ids = sweeper.verifier().held_ids();
                let until = now_ms() + CLAIM_MS;
                if let Err(e) =
                    super::storage::frame_queries::renew(&sweeper.db, sweeper.verifier().replica(), &ids, until).await
                {
                    tracing::warn!(error = %e, "cannot renew verification claims");
                }
            }
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
/// Frames already in this replica's queue are left alone.
pub async fn sweep(state: &AppState) -> sqlx::Result<usize> {
    let room = state.verifier().sender.capacity();
    if room == 0 {
        return Ok(0);
    }
    let now = now_ms();
    let candidates = super::storage::frame_queries::claimable(&state.db, now, room).await?;
    let replica = state.verifier().replica();
    let mut queued = 0;
    for id in candidates {
        if state.verifier().holds(&id)
            || !super::storage::frame_queries::claim(&state.db, &id, replica, now, now + CLAIM_MS).await?
        {
            continue;
        }
        if state.verifier().offer(id.clone()) {
            queued += 1;
        } else {
            super::storage::frame_queries::unclaim(&state.db, &id).await?;
            break;
        }
    }
    Ok(queued)
}

async fn process(state: &AppState, pool: &AnalysisPool, frame_id: &str) -> anyhow::Result<()> {
    let now = now_ms();
    if !super::storage::frame_queries::take(&state.db, frame_id, state.verifier().replica(), now, now + CLAIM_MS)
        .await?
    {
        return Ok(()); // another replica queued it after our claim expired, or it is done
    }
    let Some(frame) = super::storage::frame_queries::for_verification(&state.db, frame_id).await? else {
        return Ok(());
    };
    let Some(key) = frame.storage_key.clone() else {
        super::storage::frame_queries::mark_failed(&state.db, frame_id).await?;
        return Ok(());
    };
    let Some(jpeg) = state.frames().get(&key).await? else {
        super::storage::frame_queries::mark_failed(&state.db, frame_id).await?;
        return Ok(());
    };
    let started = Instant::now();
    let result = pool.analyze(jpeg, frame.checked_objects != 0).await;
    let analysis_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let detections = match result {
        Ok(d) => d,
        Err(e) => {
            super::storage::frame_queries::mark_failed(&state.db, frame_id).await?;
            return Err(e.context("analyzer"));
        }
    };
    if verdicts::apply_verification(state, &frame, &detections, analysis_ms).await? {
        let latency = u64::try_from(now_ms().saturating_sub(frame.received_at)).unwrap_or(0);
        state.verifier().observe(latency, analysis_ms);
        state.live.panels.notify();
    }
    Ok(())
}
