//! What every request answered and when, and the report printed after the run: latencies per
//! kind of request, and the failures (5xx or cut connection) sorted into the fault that explains
//! them or "unexpected".

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::bench_support::percentiles;
use crate::faults::FaultRecord;

/// Time since the run started (after seeding).
#[derive(Clone)]
pub struct Clock(Arc<Instant>);

impl Clock {
    pub fn start() -> Self {
        Self(Arc::new(Instant::now()))
    }

    pub fn origin(&self) -> Instant {
        *self.0
    }

    /// Milliseconds since the start.
    pub fn now_ms(&self) -> u64 {
        self.0.elapsed().as_millis() as u64
    }
}

/// Which request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Login,
    Page,
    Book,
    Start,
    Answer,
    Frame,
    FramePicture,
    FrameFlagged,
    Submit,
    Stream,
}

/// One answered (or failed) request.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub kind: Kind,
    /// When it was sent, ms since the start.
    pub at_ms: u64,
    pub latency: Duration,
    /// HTTP status, 0 when the connection failed or was cut.
    pub status: u16,
}

impl Sample {
    fn failed(&self) -> bool {
        self.status == 0 || self.status >= 500
    }
}

/// Every sample of the run, and the first connection errors (printed as they come).
#[derive(Default)]
pub struct Recorder(Mutex<Vec<Sample>>, std::sync::atomic::AtomicUsize);

impl Recorder {
    /// Prints the first few connection errors with their causes.
    pub fn note_error(&self, error: &dyn std::error::Error) {
        if self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 3 {
            let mut text = error.to_string();
            let mut source = error.source();
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            eprintln!("connection error: {text}");
        }
    }

    pub fn record(&self, sample: Sample) {
        if let Ok(mut samples) = self.0.lock() {
            samples.push(sample);
        }
    }

    fn all(&self) -> Vec<Sample> {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// The figures of one kind of request.
struct Figures {
    count: usize,
    statuses: BTreeMap<u16, usize>,
    latencies: Vec<Duration>,
}

/// The run's figures and its failures.
pub struct Report {
    kinds: BTreeMap<Kind, Figures>,
    /// Failures explained by a fault: (fault label, count).
    pub explained: Vec<(String, usize)>,
    /// Failures no fault explains.
    pub unexpected: Vec<Sample>,
    /// Frames answered 202 between the slot's opening and the end.
    pub frames_accepted: usize,
    /// Requests refused with 429 (the students keep the browser's pace: none should be).
    pub throttled: usize,
}

impl Report {
    pub fn new(recorder: &Recorder, faults: &[FaultRecord], grace_seconds: u64) -> Self {
        let mut kinds: BTreeMap<Kind, Figures> = BTreeMap::new();
        let mut explained: Vec<(String, usize)> =
            faults.iter().filter(|f| f.breaks).map(|f| (f.label.clone(), 0)).collect();
        let mut unexpected = Vec::new();
        let mut frames_accepted = 0;
        let mut throttled = 0;
        for sample in recorder.all() {
            throttled += usize::from(sample.status == 429);
            let figures = kinds.entry(sample.kind).or_insert_with(|| Figures {
                count: 0,
                statuses: BTreeMap::new(),
                latencies: Vec::new(),
            });
            figures.count += 1;
            *figures.statuses.entry(sample.status).or_default() += 1;
            if sample.status > 0 && sample.status < 500 {
                figures.latencies.push(sample.latency);
            }
            if matches!(sample.kind, Kind::Frame | Kind::FramePicture | Kind::FrameFlagged) && sample.status == 202 {
                frames_accepted += 1;
            }
            if !sample.failed() {
                continue;
            }
            // The latest breaking fault that started before the request was sent (or while it
            // was in flight) and less than `grace` seconds earlier.
            let sent = sample.at_ms;
            let done = sent + sample.latency.as_millis() as u64;
            let cause = faults
                .iter()
                .filter(|f| f.breaks && f.started_ms <= done && sent <= f.started_ms + grace_seconds * 1000)
                .map(|f| f.label.clone())
                .next_back();
            match cause.and_then(|label| explained.iter_mut().find(|(l, _)| *l == label)) {
                Some((_, n)) => *n += 1,
                None => unexpected.push(sample),
            }
        }
        Self { kinds, explained, unexpected, frames_accepted, throttled }
    }

    pub fn print(&self, load_seconds: u64) {
        println!(
            "\n{:<14} {:>8} {:>9} {:>9} {:>9} {:>9}  statuses",
            "request", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"
        );
        for (kind, figures) in &self.kinds {
            let mut latencies = figures.latencies.clone();
            let (p50, p95, p99, max) = percentiles(&mut latencies);
            let statuses: Vec<String> = figures
                .statuses
                .iter()
                .map(|(s, n)| if *s == 0 { format!("cut:{n}") } else { format!("{s}:{n}") })
                .collect();
            println!(
                "{:<14} {:>8} {p50:>9.1} {p95:>9.1} {p99:>9.1} {max:>9.1}  {}",
                format!("{kind:?}"),
                figures.count,
                statuses.join(" ")
            );
        }
        let mut frames: Vec<Duration> = self
            .kinds
            .iter()
            .filter(|(kind, _)| matches!(kind, Kind::Frame | Kind::FramePicture | Kind::FrameFlagged))
            .flat_map(|(_, f)| f.latencies.iter().copied())
            .collect();
        let (p50, p95, p99, max) = percentiles(&mut frames);
        println!(
            "{:<14} {:>8} {p50:>9.1} {p95:>9.1} {p99:>9.1} {max:>9.1}  (the three kinds above)",
            "frames, all",
            frames.len()
        );
        println!(
            "frames accepted: {} ({:.1} frames/s over the {} s of load)",
            self.frames_accepted,
            self.frames_accepted as f64 / load_seconds as f64,
            load_seconds
        );
        for (label, n) in &self.explained {
            println!("5xx or cut connections in the seconds after `{label}`: {n}");
        }
        println!("5xx or cut connections no fault explains: {}", self.unexpected.len());
        for s in self.unexpected.iter().take(20) {
            println!("  at {:.1} s: {:?} answered {}", s.at_ms as f64 / 1000.0, s.kind, s.status);
        }
    }
}
