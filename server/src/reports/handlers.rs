//! `/admin/reports`: run history, schedule, "run now", the latest weekly and monthly figures.

use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use proctorwise_batch::runs::{self, Trigger, now_ms};
use proctorwise_batch::{Date, Job, Month, Period};
use serde::Deserialize;

use super::schedule::Due;
use super::views::{self, ReportsPage};
use super::{queries, runner};
use crate::accounts::extract::{AdminOnly, Authed};
use crate::accounts::queries as accounts;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::views::layout::respond;
use crate::web::PageCtx;

/// `?started=<job>` after "run now".
#[derive(Deserialize)]
pub struct Started {
    started: Option<String>,
}

/// `GET /admin/reports`.
pub async fn show_reports(
    State(state): State<AppState>,
    _admin: Authed<AdminOnly>,
    ctx: PageCtx,
    Query(q): Query<Started>,
) -> AppResult<Response> {
    let runs = queries::recent_runs(&state.db, 50).await?;
    let schedule = state.config.batch().schedule;
    let next = schedule.map(|s| (s, Due::new(&s, now_ms())));
    let difficulty = queries::latest_difficulty(&state.db).await?;
    let month = queries::latest_month(&state.db).await?;
    let mut names = Vec::new();
    if let Some((_, _, at_risk)) = &month {
        for row in at_risk.iter() {
            names.push(
                accounts::find(&state.db, &row.user_id).await?.map(|u| u.name).unwrap_or_else(|| row.user_id.clone()),
            );
        }
    }
    let started = q.started.as_deref().and_then(Job::parse);
    let page = ReportsPage {
        runs: &runs,
        next: next.as_ref(),
        difficulty: difficulty.as_ref(),
        month: month.as_ref(),
        names: &names,
        started,
    };
    Ok(respond(&ctx, ctx.t("reports.title"), views::page(&ctx, &page)))
}

/// The "run now" form: a job and, optionally, the window (default: the job's usual one).
#[derive(Deserialize)]
pub struct RunForm {
    job: Option<String>,
    period: Option<String>,
}

fn parse_period(job: Job, raw: Option<&str>) -> Option<Period> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty());
    let today = Date::from_ms(now_ms());
    match (job, raw) {
        (_, None) => Some(job.default_period(today)),
        (Job::DailyAnomalies, Some(s)) => Date::parse(s).map(Period::Day),
        (Job::WeeklyGrades, Some(s)) => Date::parse(s).map(Period::Week),
        (Job::MonthlyUsers, Some(s)) => Month::parse(s).map(Period::Month),
    }
}

/// `POST /admin/reports/run`: starts the job in the background and comes back to the page.
pub async fn run_now(
    State(state): State<AppState>,
    _admin: Authed<AdminOnly>,
    ctx: PageCtx,
    Form(form): Form<RunForm>,
) -> AppResult<Response> {
    let job = form
        .job
        .as_deref()
        .and_then(Job::parse)
        .ok_or_else(|| AppError::Invalid(ctx.t("reports.unknown_job").into()))?;
    let period = parse_period(job, form.period.as_deref())
        .ok_or_else(|| AppError::Invalid(ctx.t("reports.bad_period").into()))?;
    if runner::is_running(&state.db, job).await? {
        return Err(AppError::Conflict(ctx.t("reports.already_running").into()));
    }
    let run_id = runs::start(state.db.pool(), job, &period.label(), Trigger::Manual).await?;
    let (db, config) = (state.db.clone(), state.config.batch().clone());
    tokio::spawn(async move {
        let _ = runner::run_started(&db, &config, job, period, &run_id).await;
    });
    Ok(Redirect::to(&format!("/admin/reports?started={}", job.name())).into_response())
}
