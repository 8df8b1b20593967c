//! `proctorwise` command line: serve, migrate, create-user, seed-demo, detect.

use std::io::BufRead;

use anyhow::Context;
use clap::{Parser, Subcommand};
use proctorwise::accounts::model::{Email, NewUser, Role, check_password, parse_name};
use proctorwise::accounts::{password, queries};
use proctorwise::db::{Db, is_unique_violation};
use proctorwise::detection::cli::DetectOptions;
use proctorwise::detection::{self, DetectionConfig};
use proctorwise::{Config, assembly, demo, server};

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
    /// Run the server-side detection models on image files (JPEG or PNG).
    Detect(DetectOptions),
    /// Print the README's event table, generated from the payload types.
    EventTable,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Detect(options)) = cli.command {
        // Detection needs neither the database nor the server configuration.
        let code = detection::cli::run(DetectionConfig::from_env()?, options)?;
        std::process::exit(code);
    }
    if let Some(Command::EventTable) = cli.command {
        print!("{}", proctorwise::events::schema::readme_table());
        return Ok(());
    }
    server::init_logging();
    let config = assembly::config_from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let seed = config.seed_demo;
            let mut state = assembly::state(config).await?;
            match detection::ServerDetector::load(state.config.detection()) {
                Ok(models) => state.set_analyzer(std::sync::Arc::new(models)),
                Err(e) => tracing::warn!("server re-verification is off ({e:#}): flagged frames wait as pending"),
            }
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
            let state = assembly::state(config).await?;
            let report = demo::seed(&state.db).await?;
            println!("accounts created: {:?}; demo exam created: {}", report.created_accounts, report.created_exam);
            Ok(())
        }
        Command::Detect { .. } | Command::EventTable => Ok(()),
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
