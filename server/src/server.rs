//! Running the server: logging, background upkeep, graceful shutdown.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tracing_subscriber::EnvFilter;

use crate::accounts::session_store::DbSessionStore;
use crate::accounts::throttle;
use crate::app::{AppState, build_router};

/// Structured logs: `PROCTORWISE_LOG` (or `RUST_LOG`) filter, `PROCTORWISE_LOG_FORMAT=json` for JSON lines.
pub fn init_logging() {
    let filter = std::env::var("PROCTORWISE_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(EnvFilter::new(filter)).with_target(false);
    if std::env::var("PROCTORWISE_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Serves the application until SIGTERM or ctrl-c, finishing requests in flight.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", state.config.bind))?;
    let addr = listener.local_addr()?;
    tracing::info!(database = ?state.db.backend(), "ProctorWise listening on http://{addr}");
    println!("ProctorWise is running at http://{addr}  (ctrl-c to stop)");
    let upkeep = tokio::spawn(upkeep(state.clone()));
    let auto_submit = tokio::spawn(crate::attempts::worker::run(state.clone(), Duration::from_secs(5)));
    let mailer = match &state.config.smtp_url {
        Some(url) => {
            use secrecy::ExposeSecret;
            let mailer = crate::notifications::email::Mailer::from_url(url.expose_secret(), &state.config.mail_from)
                .context("SMTP_URL or PROCTORWISE_MAIL_FROM")?;
            Some(tokio::spawn(crate::notifications::email::run(state.db.clone(), mailer, Duration::from_secs(5))))
        }
        None => {
            tracing::info!("SMTP_URL is not set: emails stay pending (listed on /admin/emails)");
            None
        }
    };
    let batch = state.config.batch.schedule.map(|schedule| {
        tokio::spawn(crate::reports::scheduler::run(state.db.clone(), state.config.batch.clone(), schedule))
    });
    if batch.is_none() {
        tracing::info!("PROCTORWISE_BATCH_SCHEDULE=off: batch jobs run only from /admin/reports or the command line");
    }
    let events = crate::events::start(
        state.db.clone(),
        &state.config,
        crate::events::RelayConfig::default(),
        crate::events::handler::handlers(&state.live),
    )?;
    let monitoring = crate::monitoring::start(&state);
    let db = state.db.clone();
    let app = build_router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    upkeep.abort();
    auto_submit.abort();
    if let Some(mailer) = mailer {
        mailer.abort();
    }
    // Consumers leave their groups and Kafka clients are closed before the process exits.
    if !events.shutdown(Duration::from_secs(15)).await {
        tracing::warn!("event tasks aborted after 15 s");
    }
    for task in monitoring {
        task.abort();
    }
    if let Some(batch) = batch {
        batch.abort();
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Deletes expired sessions and old login failures every ten minutes.
async fn upkeep(state: AppState) {
    let sessions = DbSessionStore::new(state.db.clone());
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(e) = sessions.delete_expired().await {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
        if let Err(e) = throttle::purge_old(&state.db).await {
            tracing::warn!(error = %e, "could not purge old login failures");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested, finishing requests in flight");
}
