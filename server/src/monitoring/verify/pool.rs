//! The threads that run the server's models: a fixed number of their own, at a lower OS
//! priority than the async runtime, so that re-verification never starves frame ingestion and
//! never occupies the runtime's blocking pool (which checks uploaded JPEGs).

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::FrameAnalyzer;

/// A picture, whether its objects are checked too, and where the answer goes.
type Job = (Vec<u8>, bool, oneshot::Sender<anyhow::Result<wasm_detector::Detections>>);

/// Niceness-style priority of the analysis threads (0–100, lower is less urgent; request
/// handling runs at the default, 50): about nice 10 on Linux.
const PRIORITY: u8 = 25;

/// A bounded pool of analysis threads.
pub struct AnalysisPool {
    sender: SyncSender<Job>,
}

impl AnalysisPool {
    /// Starts `threads` threads running `analyzer`.
    pub fn start(analyzer: Arc<dyn FrameAnalyzer>, threads: usize) -> anyhow::Result<Self> {
        let (sender, receiver) = mpsc::sync_channel::<Job>(threads.max(1));
        let receiver = Arc::new(Mutex::new(receiver));
        for i in 0..threads.max(1) {
            let (analyzer, receiver) = (analyzer.clone(), receiver.clone());
            std::thread::Builder::new().name(format!("verify-{i}")).spawn(move || run(&*analyzer, &receiver))?;
        }
        Ok(Self { sender })
    }

    /// Analyses one JPEG on a pool thread (faces only unless `objects`).
    pub async fn analyze(&self, jpeg: Vec<u8>, objects: bool) -> anyhow::Result<wasm_detector::Detections> {
        let (reply, answer) = oneshot::channel();
        let sender = self.sender.clone();
        // The channel holds one job per thread: waiting for room must not block the runtime.
        tokio::task::spawn_blocking(move || sender.send((jpeg, objects, reply)))
            .await?
            .map_err(|_| anyhow::anyhow!("the analysis threads have stopped"))?;
        answer.await.map_err(|_| anyhow::anyhow!("an analysis thread stopped during the analysis"))?
    }
}

fn run(analyzer: &dyn FrameAnalyzer, receiver: &Mutex<Receiver<Job>>) {
    lower_priority();
    loop {
        let job = match receiver.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        let Ok((jpeg, objects, reply)) = job else { return };
        let _ = reply.send(if objects { analyzer.analyze(&jpeg) } else { analyzer.analyze_faces(&jpeg) });
    }
}

fn lower_priority() {
    use thread_priority::{ThreadPriority, ThreadPriorityValue, set_current_thread_priority};
    let Ok(value) = ThreadPriorityValue::try_from(PRIORITY) else { return };
    if let Err(e) = set_current_thread_priority(ThreadPriority::Crossplatform(value)) {
        tracing::warn!(error = ?e, "cannot lower the priority of an analysis thread");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed;

    impl FrameAnalyzer for Fixed {
        fn analyze(&self, jpeg: &[u8]) -> anyhow::Result<wasm_detector::Detections> {
            anyhow::ensure!(!jpeg.is_empty(), "empty");
            Ok(wasm_detector::Detections { width: u32::try_from(jpeg.len())?, ..Default::default() })
        }
    }

    /// Linux niceness of the calling thread, from procfs.
    fn niceness() -> Option<i64> {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
        let after = stat.rsplit_once(')')?.1;
        after.split_whitespace().nth(16)?.parse().ok()
    }

    #[tokio::test]
    async fn jobs_run_on_threads_of_lower_priority() {
        let pool = AnalysisPool::start(Arc::new(Fixed), 2).expect("pool");
        let got = pool.analyze(vec![1, 2, 3], true).await.expect("analysed");
        assert_eq!(got.width, 3);
        assert!(pool.analyze(Vec::new(), false).await.is_err(), "an analyzer error reaches the caller");
        if cfg!(target_os = "linux") {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                lower_priority();
                let _ = tx.send(niceness());
            });
            let nice = rx.recv().expect("thread").expect("procfs");
            assert!(nice > 0, "analysis threads run niced, got {nice}");
        }
    }
}
