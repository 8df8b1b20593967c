//! The fault plan: each step runs the cluster script (`kill galera2`, `restart app1`…) at its
//! time, one after the other, and is logged with when it started and ended.

use std::process::Command;
use std::time::Duration;

use crate::plan::Plan;
use crate::stats::Clock;

/// One step as it happened.
#[derive(Clone, Debug)]
pub struct FaultRecord {
    pub label: String,
    /// A `kill`: failures in the seconds after it are expected.
    pub breaks: bool,
    /// Ms since the start.
    pub started_ms: u64,
    pub finished_ms: u64,
    /// The script succeeded.
    pub ok: bool,
}

/// Runs the plan (blocking: the script waits for nodes to be ready).
pub fn run(plan: &Plan, clock: &Clock) -> anyhow::Result<Vec<FaultRecord>> {
    let mut log = Vec::new();
    for fault in &plan.faults {
        let due = Duration::from_secs(plan.lead_seconds + fault.at);
        let elapsed = clock.origin().elapsed();
        if due > elapsed {
            std::thread::sleep(due - elapsed);
        }
        let started_ms = clock.now_ms();
        let output = Command::new(&plan.cluster).args(&fault.args).output();
        let finished_ms = clock.now_ms();
        let ok = match &output {
            Ok(out) if out.status.success() => true,
            Ok(out) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
                eprintln!("fault `{}` failed ({}): {}", fault.label(), out.status, tail.join(" | "));
                false
            }
            Err(e) => {
                eprintln!("fault `{}` could not run {}: {e}", fault.label(), plan.cluster.display());
                false
            }
        };
        println!(
            "[{:>6.1} s] {} ({:.1} s){}",
            started_ms as f64 / 1000.0 - plan.lead_seconds as f64,
            fault.label(),
            (finished_ms - started_ms) as f64 / 1000.0,
            if ok { "" } else { " FAILED" }
        );
        log.push(FaultRecord { label: fault.label(), breaks: fault.breaks(), started_ms, finished_ms, ok });
    }
    Ok(log)
}
