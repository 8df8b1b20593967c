//! `proctorwise` command line: serve, migrate, create-user, seed-demo.

use std::io::BufRead;

use anyhow::Context;
use clap::{Parser, Subcommand};
use proctorwise::accounts::model::{Email, NewUser, Role, check_password, parse_name};
use proctorwise::accounts::{password, queries};
use proctorwise::db::{Db, is_unique_violation};
use proctorwise::{AppState, Config, demo, server};

#[derive(Parser)]
#[command(name = "proctorwise", version, about = "Online exam proctoring server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create an account with any role.
    CreateUser {
        /// Email address (login).
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// student, teacher, proctor or admin.
        #[arg(long, default_value = "student")]
        role: String,
        /// Password; read from standard input when omitted.
        #[arg(long, env = "PROCTORWISE_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Create the demo accounts and demo exam (idempotent).
    SeedDemo,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    server::init_logging();
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            warn_unused_integrations(&config);
            let seed = config.seed_demo;
            let state = AppState::new(config).await?;
            if seed && queries::count_all(&state.db).await? == 0 {
                let report = demo::seed(&state.db).await?;
                println!(
                    "Demo data created: {} accounts (password {}), demo exam: {}",
                    report.created_accounts.join(", "),
                    demo::DEMO_PASSWORD,
                    report.created_exam
                );
            }
            server::serve(state).await
        }
        Command::Migrate => {
            let db = Db::connect(&config.database_url).await?;
            db.migrate().await?;
            println!("migrations applied ({:?})", db.backend());
            Ok(())
        }
        Command::CreateUser { email, name, role, password } => {
            create_user(&config, &email, &name, &role, password).await
        }
        Command::SeedDemo => {
            let state = AppState::new(config).await?;
            let report = demo::seed(&state.db).await?;
            println!("accounts created: {:?}; demo exam created: {}", report.created_accounts, report.created_exam);
            Ok(())
        }
    }
}

async fn create_user(
    config: &Config,
    email: &str,
    name: &str,
    role: &str,
    password_arg: Option<String>,
) -> anyhow::Result<()> {
    let role =
        Role::parse(role).with_context(|| format!("unknown role {role:?}: use student, teacher, proctor or admin"))?;
    let email = Email::parse(email).map_err(|_| anyhow::anyhow!("{email:?} is not a valid email address"))?;
    let name = parse_name(name).map_err(|_| anyhow::anyhow!("the name must have 1 to 200 characters"))?;
    let password_value = match password_arg {
        Some(p) => p,
        None => {
            eprintln!("password (one line on standard input):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    check_password(&password_value).map_err(|_| anyhow::anyhow!("the password must have 8 to 128 characters"))?;
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    let hash = password::hash(password_value.clone()).await?;
    let new = NewUser { email, name, password: password_value, role, locale: None };
    match queries::insert(&db, &new, &hash).await {
        Ok(user) => {
            println!("created {} ({}) with id {}", user.email, user.role.as_str(), user.id);
            Ok(())
        }
        Err(e) if is_unique_violation(&e) => {
            anyhow::bail!("an account with email {} already exists", new.email.as_str())
        }
        Err(e) => Err(e.into()),
    }
}

/// Integrations this release reads but does not use yet: say so instead of silently ignoring them.
fn warn_unused_integrations(config: &Config) {
    if config.kafka_brokers.is_some() {
        tracing::warn!("KAFKA_BROKERS is set, but this release has no feature using it yet; it is ignored");
    }
    if config.hdfs_url.is_some() {
        tracing::info!("HDFS_URL is set: batch outputs go to HDFS; evidence frames stay on local storage");
    }
}
