//! Load and failover proof for the production cluster (`deploy/cluster/`): simulated students
//! drive the replicas through nginx over HTTPS while a fault plan crashes and restarts a Galera
//! node, a replica and the Kafka broker; afterwards the database is checked for what the run
//! must not have lost or done twice.
//!
//! Each student logs in through the login form, books the run's slot, starts the attempt when the
//! slot opens, answers a question every few seconds (the page's autosave), sends a monitoring
//! frame every 2 s with the browser's mix (a verdict; the picture when the server asked for it;
//! now and then a flagged frame with a picture of two people, which the server re-verifies) and
//! submits at the end. A proctor keeps the live panel's event stream open and reconnects when it
//! is cut, as a browser's EventSource does.
//!
//! Checked and printed after the run (exit code 1 when one fails):
//! - every answer saved with a 2xx is in the database, at the revision acknowledged or later;
//! - every submission is graded exactly once (one `grading_completed` per attempt);
//! - every outbox event of the run was published and handled once by its consumer, with no
//!   duplicate notification;
//! - no 5xx or cut connection outside the seconds after a fault (counted per fault);
//! - the proctor's stream reconnected after each cut and received events after the last fault.
//!
//! `cargo run -p proctorwise --example cluster_load -- --help` lists the options;
//! `deploy/cluster/prove.sh` runs it against the cluster.

#[path = "../bench_support/mod.rs"]
mod bench_support;
mod check;
mod cpu;
mod faults;
mod plan;
mod proctor;
mod seed;
mod stats;
mod student;
mod web;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use proctorwise::db::Db;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let plan = match plan::Plan::from_args(std::env::args().skip(1)) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("{message}\n\n{}", plan::USAGE);
            std::process::exit(2);
        }
    };
    println!(
        "cluster_load: {} students for {} s through {}, faults: {}; {}",
        plan.students,
        plan.seconds,
        plan.base_url,
        if plan.faults.is_empty() { "none".to_owned() } else { plan.faults.len().to_string() },
        bench_support::machine()
    );
    let db = Db::connect(&plan.database_url).await.context("the cluster's database")?;
    let run = seed::seed(&db, &plan).await?;
    println!("seeded run {} (exam {}, slot opens in {} s)", run.tag, run.exam_id, plan.lead_seconds);

    let clock = stats::Clock::start();
    let recorder = Arc::new(stats::Recorder::default());
    let web = web::Web::new(&plan, clock.clone(), recorder.clone())?;
    let media = Arc::new(student::Media::load()?);
    let stop_at = clock.origin() + Duration::from_secs(plan.lead_seconds + plan.seconds);

    let proctor = tokio::spawn(proctor::watch(web.clone(), run.proctor_email.clone(), stop_at));
    let load_from = clock.origin() + Duration::from_secs(plan.lead_seconds);
    let cpu = tokio::spawn(cpu::measure(plan.cpu.clone(), load_from, stop_at));
    let mut students = Vec::with_capacity(run.students.len());
    for (i, email) in run.students.iter().enumerate() {
        let journey = student::Journey {
            web: web.clone(),
            media: media.clone(),
            email: email.clone(),
            slot_id: run.slot_id.clone(),
            opens_at: run.opens_at,
            stop_at,
            flag_every: plan.flag_every,
            seed: i as u64,
        };
        students.push(tokio::spawn(journey.run()));
        // Arrivals spread over the lead time, as students open the page one after another.
        tokio::time::sleep(plan.arrival_gap()).await;
    }
    let faults = tokio::task::spawn_blocking({
        let plan = plan.clone();
        let clock = clock.clone();
        move || faults::run(&plan, &clock)
    });

    let mut outcomes = Vec::with_capacity(students.len());
    for handle in students {
        outcomes.push(handle.await?);
    }
    let fault_log = faults.await??;
    let proctor = proctor.await?;
    let elapsed = clock.origin().elapsed();
    println!("load finished after {:.0} s; {}", elapsed.as_secs_f64(), bench_support::machine());

    let report = stats::Report::new(&recorder, &fault_log, plan.grace_seconds);
    report.print(plan.seconds);
    cpu::print(&cpu.await?, stop_at - load_from, report.frames_accepted);
    let started = Instant::now();
    let verdict = check::run(&db, &run, &outcomes, &report, &proctor, &fault_log).await?;
    println!("checks took {:.1} s", started.elapsed().as_secs_f64());
    db.close().await;
    if !verdict {
        std::process::exit(1);
    }
    Ok(())
}
