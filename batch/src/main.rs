//! `proctorwise-batch`: runs one analytics job (or an upkeep task) against the application
//! database and the configured storage, prints a summary line, exits non-zero with the reason
//! when anything fails.

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("proctorwise-batch: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
