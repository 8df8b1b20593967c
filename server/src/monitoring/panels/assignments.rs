//! Which proctors watch which exams (`exam_proctors`). An exam nobody is assigned to is watched
//! by every proctor; once assigned, only its proctors see its sessions and get its alerts.
//! Admins assign.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use sqlx::AnyConnection;

use crate::accounts::extract::{AdminOnly, Authed};
use crate::accounts::model::Role;
use crate::app::AppState;
use crate::db::{Db, is_id, is_unique_violation, now_ms};
use crate::error::{AppError, AppResult};
use crate::views::layout::respond;
use crate::web::PageCtx;

/// The proctors assigned to an exam (empty: every proctor watches it).
pub async fn proctors_of_exam(conn: &mut AnyConnection, exam_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT proctor_id FROM exam_proctors WHERE exam_id = ?").bind(exam_id).fetch_all(conn).await
}

async fn rows(db: &Db) -> sqlx::Result<(Vec<(String, String)>, Vec<(String, String)>, Vec<(String, String)>)> {
    let exams = crate::exams::queries::live_titles(db, 500).await?;
    let proctors = crate::accounts::queries::active_with_role(db, Role::Proctor, 500).await?;
    let assigned: Vec<(String, String)> =
        sqlx::query_as("SELECT exam_id, proctor_id FROM exam_proctors").fetch_all(db.pool()).await?;
    let ids: Vec<&str> = assigned.iter().map(|(_, proctor)| proctor.as_str()).collect();
    let names = crate::accounts::queries::names(db, &ids).await?;
    let mut pairs: Vec<(String, String)> = assigned
        .into_iter()
        .filter_map(|(exam, proctor)| names.get(&proctor).map(|(name, _)| (exam, name.clone())))
        .collect();
    pairs.sort_by_cached_key(|(_, name)| name.to_lowercase());
    Ok((exams, proctors, pairs))
}

fn view(
    ctx: &PageCtx,
    exams: &[(String, String)],
    proctors: &[(String, String)],
    pairs: &[(String, String)],
) -> Markup {
    html! {
        p { a href="/proctor" { "← " (ctx.t("monitor.back")) } }
        p.hint { (ctx.t("monitor.assign.hint")) }
        table {
            thead { tr { th scope="col" { (ctx.t("monitor.col.exam")) } th scope="col" { (ctx.t("monitor.assign.proctors")) } th scope="col" { (ctx.t("monitor.col.actions")) } } }
            tbody {
                @for (id, title) in exams {
                    @let assigned: Vec<&str> = pairs.iter().filter(|(e, _)| e == id).map(|(_, n)| n.as_str()).collect();
                    tr {
                        th scope="row" { (title) }
                        td { @if assigned.is_empty() { em { (ctx.t("monitor.assign.everyone")) } } @else { (assigned.join(", ")) } }
                        td {
                            form.inline method="post" action="/proctor/assignments" {
                                input type="hidden" name="csrf_token" value=(ctx.csrf);
                                input type="hidden" name="exam_id" value=(id);
                                label for={"proctor-" (id)} .visually-hidden { (ctx.t("monitor.assign.proctor")) }
                                select #{"proctor-" (id)} name="proctor_id" {
                                    @for (pid, name) in proctors { option value=(pid) { (name) } }
                                }
                                button type="submit" name="action" value="add" { (ctx.t("monitor.assign.add")) }
                                button type="submit" name="action" value="remove" { (ctx.t("monitor.assign.remove")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /proctor/assignments` (admins).
pub async fn page(State(state): State<AppState>, _a: Authed<AdminOnly>, ctx: PageCtx) -> AppResult<Response> {
    let (exams, proctors, pairs) = rows(&state.db).await?;
    Ok(respond(&ctx, ctx.t("monitor.assign.title"), view(&ctx, &exams, &proctors, &pairs)))
}

/// The assignment form.
#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    exam_id: String,
    #[serde(default)]
    proctor_id: String,
    #[serde(default)]
    action: String,
}

/// `POST /proctor/assignments`: add or remove one proctor of one exam.
pub async fn change(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<AdminOnly>,
    ctx: PageCtx,
    Form(form): Form<AssignForm>,
) -> AppResult<Response> {
    if !is_id(&form.exam_id) || !is_id(&form.proctor_id) {
        return Err(AppError::Invalid(ctx.t("monitor.err.assignment").to_owned()));
    }
    let proctor = crate::accounts::queries::find(&state.db, &form.proctor_id).await?;
    let exam = crate::exams::queries::get_exam(&state.db, &form.exam_id).await?;
    if !proctor.is_some_and(|p| p.role == Role::Proctor) || exam.is_none() {
        return Err(AppError::Invalid(ctx.t("monitor.err.assignment").to_owned()));
    }
    match form.action.as_str() {
        "add" => {
            let inserted = sqlx::query(
                "INSERT INTO exam_proctors (exam_id, proctor_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)",
            )
            .bind(&form.exam_id)
            .bind(&form.proctor_id)
            .bind(&user.id)
            .bind(now_ms())
            .execute(state.db.pool())
            .await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {}
                Err(e) => return Err(e.into()),
            }
        }
        "remove" => {
            sqlx::query("DELETE FROM exam_proctors WHERE exam_id = ? AND proctor_id = ?")
                .bind(&form.exam_id)
                .bind(&form.proctor_id)
                .execute(state.db.pool())
                .await?;
        }
        _ => return Err(AppError::Invalid(ctx.t("monitor.err.assignment").to_owned())),
    }
    Ok(Redirect::to("/proctor/assignments").into_response())
}
