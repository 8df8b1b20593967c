//! The run's options, read from the command line.

use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "\
cluster_load --url https://127.0.0.1:8443 [--ca CERT.pem] --db mysql://USER:PW@127.0.0.1:3307/proctorwise
             [--students 60] [--seconds 60] [--lead SECONDS] [--flag-every 40] [--clients N]
             [--grace 10] [--cluster deploy/cluster/cluster.sh] [--fault 'AT:COMMAND ARGS']…
             [--cpu NAME=PID]…

  --url         the cluster's public address (nginx)
  --ca          the certificate nginx serves (it is trusted for this run only); without it an
                https address must have a certificate the system trusts (or use http://)
  --db          the database the replicas use (seeding and the checks after the run)
  --students    simulated students
  --seconds     how long they work after the slot opens
  --lead        seconds between seeding and the slot's opening, during which students log in and
                book (default 20 + students / 25)
  --flag-every  one frame in N of each student is flagged (two faces, with its picture)
  --clients     HTTP/2 connections shared by the students (default students / 25 + 1)
  --grace       seconds after a kill during which 5xx answers and cut connections are expected: Galera
                pauses writes about 5 s when a node dies, and a request waits up to 5 s for a
                connection (PROCTORWISE_DB_ACQUIRE_TIMEOUT_MS)
  --cluster     the cluster script the faults are given to
  --fault       AT seconds after the slot opened, run `cluster.sh COMMAND ARGS` (repeatable;
                faults run one after the other, in the order given)
  --cpu         a server process whose processor time during the load is reported, in total and
                per accepted frame (repeatable: each replica, each database node)";

/// One step of the fault plan.
#[derive(Clone, Debug)]
pub struct Fault {
    /// Seconds after the slot opened.
    pub at: u64,
    /// Arguments given to the cluster script (`kill galera2`).
    pub args: Vec<String>,
}

impl Fault {
    /// Whether this step breaks something (the 5xx that follow it are expected for a while).
    pub fn breaks(&self) -> bool {
        self.args.first().is_some_and(|a| a == "kill")
    }

    /// `kill galera2`.
    pub fn label(&self) -> String {
        self.args.join(" ")
    }
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Plan {
    pub base_url: String,
    pub ca: Option<PathBuf>,
    pub database_url: String,
    pub students: usize,
    pub seconds: u64,
    pub lead_seconds: u64,
    pub flag_every: u64,
    pub clients: usize,
    pub grace_seconds: u64,
    pub cluster: PathBuf,
    pub faults: Vec<Fault>,
    pub cpu: Vec<crate::cpu::Watched>,
}

impl Plan {
    /// Reads the options; a message says what is wrong.
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let (mut url, mut ca, mut db) = (None, None, None);
        let (mut students, mut seconds, mut lead, mut flag_every, mut clients, mut grace) =
            (60usize, 60u64, None, 40u64, None, 10u64);
        let mut cluster = PathBuf::from("deploy/cluster/cluster.sh");
        let mut faults = Vec::new();
        let mut cpu = Vec::new();
        let mut args = args.peekable();
        while let Some(flag) = args.next() {
            if flag == "--help" || flag == "-h" {
                return Err("usage:".into());
            }
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number = |v: &str| v.parse::<u64>().map_err(|_| format!("{flag}: not a number: {v}"));
            match flag.as_str() {
                "--url" => url = Some(value.trim_end_matches('/').to_owned()),
                "--ca" => ca = Some(PathBuf::from(value)),
                "--db" => db = Some(value),
                "--students" => students = number(&value)? as usize,
                "--seconds" => seconds = number(&value)?,
                "--lead" => lead = Some(number(&value)?),
                "--flag-every" => flag_every = number(&value)?.max(1),
                "--clients" => clients = Some(number(&value)?.max(1) as usize),
                "--grace" => grace = number(&value)?,
                "--cluster" => cluster = PathBuf::from(value),
                "--fault" => faults.push(parse_fault(&value)?),
                "--cpu" => cpu.push(crate::cpu::parse(&value)?),
                other => return Err(format!("unknown option {other}")),
            }
        }
        if students == 0 || seconds == 0 {
            return Err("--students and --seconds must be positive".into());
        }
        Ok(Self {
            base_url: url.ok_or("--url is required")?,
            ca,
            database_url: db.ok_or("--db is required")?,
            students,
            seconds,
            lead_seconds: lead.unwrap_or(20 + students as u64 / 25),
            flag_every,
            clients: clients.unwrap_or(students / 25 + 1),
            grace_seconds: grace,
            cluster,
            faults,
            cpu,
        })
    }

    /// Pause between two students' arrivals: all of them arrive in the first half of the lead.
    pub fn arrival_gap(&self) -> Duration {
        Duration::from_millis(self.lead_seconds * 500 / self.students as u64)
    }
}

fn parse_fault(value: &str) -> Result<Fault, String> {
    let (at, command) = value.split_once(':').ok_or_else(|| format!("--fault {value}: expected AT:COMMAND"))?;
    let at = at.trim().parse().map_err(|_| format!("--fault {value}: AT is not a number of seconds"))?;
    let args: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
    if args.is_empty() {
        return Err(format!("--fault {value}: no command"));
    }
    Ok(Fault { at, args })
}
