//! The proctor's pages and actions: panel, history, session detail, stop with a reason, review
//! of each anomaly, session marked reviewed. Proctors and admins only, scoped (see `queries`).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::detail;
use super::queries::{self, HistoryFilter, Scope};
use super::views;
use crate::accounts::extract::{Authed, ProctorOrAdmin};
use crate::app::AppState;
use crate::db::{is_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::monitoring::store;
use crate::views::layout::respond;
use crate::web::PageCtx;

/// `GET /proctor`: stats, active sessions and alerts, live.
pub async fn panel(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<ProctorOrAdmin>,
    ctx: PageCtx,
) -> AppResult<Response> {
    let scope = Scope::of(&user);
    let now = now_ms();
    let stats = queries::stats(&state.db, &scope, views::utc_midnight(now)).await?;
    let active = queries::active(&state.db, &scope, state.config.monitoring().panel_rows).await?;
    let alerts = queries::recent_alerts(&state.db, &scope, 0, 30).await?;
    Ok(respond(&ctx, ctx.t("proctor.title"), views::panel(&ctx, &stats, &active, &alerts, now)))
}

/// History filters as typed.
#[derive(Deserialize, Default)]
pub struct HistoryQuery {
    #[serde(default)]
    exam: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    risk: String,
}

fn parse_day(day: &str) -> Option<(i64, i64)> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day.trim(), format).ok()?;
    let start = date.midnight().assume_utc().unix_timestamp() * 1000;
    Some((start, start + 86_400_000))
}

/// `GET /proctor/history?exam=&day=&risk=`: past and present sessions.
pub async fn history(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<ProctorOrAdmin>,
    ctx: PageCtx,
    Query(q): Query<HistoryQuery>,
) -> AppResult<Response> {
    let scope = Scope::of(&user);
    let filter = HistoryFilter {
        exam_id: Some(q.exam.clone()).filter(|e| is_id(e)),
        day: parse_day(&q.day),
        min_risk: match q.risk.as_str() {
            "high" => 60,
            "medium" => 25,
            _ => 0,
        },
    };
    let rows = queries::history(&state.db, &scope, &filter).await?;
    let exams = queries::exams_with_sessions(&state.db, &scope).await?;
    let body = views::history(&ctx, &rows, &exams, &filter, &q.day, &q.risk, now_ms());
    Ok(respond(&ctx, ctx.t("monitor.tab.history"), body))
}

pub async fn session_in_scope(state: &AppState, scope: &Scope, id: &str) -> AppResult<queries::SessionRow> {
    if !is_id(id) {
        return Err(AppError::NotFound);
    }
    queries::session(&state.db, scope, id).await?.ok_or(AppError::NotFound)
}

/// `GET /proctor/sessions/{session_id}`.
pub async fn detail(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<ProctorOrAdmin>,
    ctx: PageCtx,
    Path(session_id): Path<String>,
) -> AppResult<Response> {
    let session = session_in_scope(&state, &Scope::of(&user), &session_id).await?;
    let anomalies = queries::anomalies_of(&state.db, &session.id).await?;
    let latest = queries::latest_frame(&state.db, &session.id).await?;
    let title = ctx.lang.tf("monitor.session_title", &[("student", &session.student_name)]);
    Ok(respond(&ctx, &title, detail::page(&ctx, &session, &anomalies, latest.as_ref(), now_ms())))
}

/// `POST /proctor/sessions/{session_id}/reviewed`: the proctor has gone through the session.
pub async fn mark_reviewed(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<ProctorOrAdmin>,
    Path(session_id): Path<String>,
) -> AppResult<Response> {
    let session = session_in_scope(&state, &Scope::of(&user), &session_id).await?;
    let now = now_ms();
    sqlx::query(
        "UPDATE monitoring_sessions SET reviewed_at = ?, reviewed_by = ?, updated_at = ? WHERE id = ? AND reviewed_at IS NULL",
    )
    .bind(now)
    .bind(&user.id)
    .bind(now)
    .bind(&session.id)
    .execute(state.db.pool())
    .await?;
    state.live.panels.notify();
    Ok(Redirect::to(&format!("/proctor/sessions/{}", session.id)).into_response())
}

/// The review form of one anomaly.
#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// `POST /proctor/anomalies/{anomaly_id}/review`: confirm or dismiss, with a note. htmx gets the
/// updated timeline item; a plain form goes back to the session.
pub async fn review_anomaly(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<ProctorOrAdmin>,
    ctx: PageCtx,
    Path(anomaly_id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    let scope = Scope::of(&user);
    if !is_id(&anomaly_id) {
        return Err(AppError::NotFound);
    }
    let session_id = queries::anomaly_in_scope(&state.db, &scope, &anomaly_id).await?.ok_or(AppError::NotFound)?;
    let review = match form.decision.as_str() {
        "confirm" => "confirmed",
        "dismiss" => "dismissed",
        _ => return Err(AppError::Invalid(ctx.t("monitor.err.decision").to_owned())),
    };
    let note: String = form.note.trim().chars().take(1000).collect();
    let now = now_ms();
    let mut tx = state.db.pool().begin().await?;
    sqlx::query(
        "UPDATE monitoring_anomalies SET review = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ? \
         WHERE id = ?",
    )
    .bind(review)
    .bind(&note)
    .bind(&user.id)
    .bind(now)
    .bind(now)
    .bind(&anomaly_id)
    .execute(&mut *tx)
    .await?;
    let exam_id: String = sqlx::query_scalar("SELECT exam_id FROM monitoring_sessions WHERE id = ?")
        .bind(&session_id)
        .fetch_one(&mut *tx)
        .await?;
    let detection =
        crate::monitoring::exam_settings::SessionDetection::of_session(&mut tx, &state, &session_id, &exam_id).await?;
    store::refresh_risk(&mut tx, &session_id, &detection.risk_weights()).await?;
    tx.commit().await?;
    state.live.panels.notify();
    if !ctx.htmx {
        return Ok(Redirect::to(&format!("/proctor/sessions/{session_id}#anomaly-{anomaly_id}")).into_response());
    }
    let anomalies = queries::anomalies_of(&state.db, &session_id).await?;
    let item = anomalies.iter().find(|a| a.id == anomaly_id).ok_or(AppError::NotFound)?;
    Ok(respond(&ctx, "", detail::anomaly_item(&ctx, item)))
}
