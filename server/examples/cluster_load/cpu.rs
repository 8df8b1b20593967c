//! Processor time of the server's processes (replicas, database nodes) during the load, read
//! from Linux's /proc: what a frame costs the machine.

use std::time::{Duration, Instant};

/// Linux reports process times in USER_HZ ticks, 100 per second on every architecture it runs
/// ProctorWise on.
const TICKS_PER_SECOND: f64 = 100.0;

/// A process to watch: its name in the report and its pid.
#[derive(Clone, Debug)]
pub struct Watched {
    pub name: String,
    pub pid: u32,
}

/// `NAME=PID`.
pub fn parse(value: &str) -> Result<Watched, String> {
    let (name, pid) = value.split_once('=').ok_or_else(|| format!("--cpu {value}: expected NAME=PID"))?;
    let pid = pid.trim().parse().map_err(|_| format!("--cpu {value}: PID is not a number"))?;
    Ok(Watched { name: name.trim().to_owned(), pid })
}

/// User + system seconds the process (its threads included) has used so far.
fn seconds_of(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses: utime and stime
    // are the 12th and 13th of them.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / TICKS_PER_SECOND)
}

/// The name of the generator's own line (it shares the machine: its share is not the server's).
const GENERATOR: &str = "generator (this process, not the server's)";

/// Processor seconds of each watched process, and of the generator itself, between `from` and
/// `to` (None: it was not running at one of the two moments, e.g. killed by the fault plan).
pub async fn measure(mut watched: Vec<Watched>, from: Instant, to: Instant) -> Vec<(String, Option<f64>)> {
    if !watched.is_empty() {
        watched.push(Watched { name: GENERATOR.to_owned(), pid: std::process::id() });
    }
    tokio::time::sleep_until(from.into()).await;
    let before: Vec<Option<f64>> = watched.iter().map(|w| seconds_of(w.pid)).collect();
    tokio::time::sleep_until(to.into()).await;
    watched.iter().zip(before).map(|(w, b)| (w.name.clone(), b.zip(seconds_of(w.pid)).map(|(b, a)| a - b))).collect()
}

/// Prints each process's share and the total per accepted frame.
pub fn print(used: &[(String, Option<f64>)], window: Duration, frames: usize) {
    if used.is_empty() {
        return;
    }
    let seconds = window.as_secs_f64();
    for (name, cpu) in used {
        match cpu {
            Some(cpu) => println!(
                "cpu {name}: {cpu:.1} s over {seconds:.0} s of load ({:.0}% of one core), {:.2} ms per accepted frame",
                100.0 * cpu / seconds,
                1000.0 * cpu / frames.max(1) as f64
            ),
            None => println!("cpu {name}: not measured (the process did not run through the load)"),
        }
    }
    let total: f64 = used.iter().filter(|(name, _)| name != GENERATOR).filter_map(|(_, c)| *c).sum();
    println!(
        "cpu of the server's processes: {:.2} ms per accepted frame (every request of the load counted, autosaves included)",
        1000.0 * total / frames.max(1) as f64
    );
}
