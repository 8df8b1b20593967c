//! Extra time for students: grant (found by email), remove, and the email suggestions.

use super::queries;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::views::{accommodations_section, student_hits};
use crate::accounts::extract::{Authed, TeacherOrAdmin};
use crate::accounts::model::{Role, User};
use crate::accounts::queries as accounts;
use crate::app::AppState;
use crate::db::{Db, is_id};
use crate::error::{AppError, AppResult};
use crate::exams::access::owned_exam;
use crate::exams::forms::FieldErrors;
use crate::exams::model::{Accommodation, Exam};
use crate::exams::questions::forms::AccommodationForm;
use crate::views::layout::respond_with;
use crate::web::PageCtx;

async fn section(
    db: &Db,
    ctx: &PageCtx,
    exam: &Exam,
    form: &AccommodationForm,
    errors: &FieldErrors,
) -> AppResult<Response> {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    if errors.is_empty() && !ctx.htmx {
        return Ok(Redirect::to(&format!("/exams/{}#accommodations", exam.id)).into_response());
    }
    let list = queries::list_accommodations(db, &exam.id).await?;
    let body = accommodations_section(ctx, exam, &list, form, errors);
    Ok(respond_with(ctx, status, ctx.t("editor.accommodations"), body))
}

/// The student account with exactly this email.
async fn student_by_email(db: &Db, email: &str) -> AppResult<Option<User>> {
    let (hits, _) = accounts::search(db, email, Some(Role::Student), 10, 0).await?;
    Ok(hits.into_iter().find(|u| u.email.eq_ignore_ascii_case(email)))
}

/// `POST /exams/{exam_id}/accommodations`: grants or replaces a student's extra time.
pub async fn grant_accommodation(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
    Form(form): Form<AccommodationForm>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let (email, extra_minutes, extra_percent, note) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => return section(&state.db, &ctx, &exam, &form, &errors).await,
    };
    let Some(student) = student_by_email(&state.db, &email).await? else {
        let errors = FieldErrors::from([("email", "editor.error.student_not_found")]);
        return section(&state.db, &ctx, &exam, &form, &errors).await;
    };
    let a = Accommodation { exam_id: exam.id.clone(), student_id: student.id, extra_minutes, extra_percent, note };
    queries::upsert_accommodation(&state.db, &a).await?;
    section(&state.db, &ctx, &exam, &AccommodationForm::default(), &FieldErrors::new()).await
}

/// `POST /exams/{exam_id}/accommodations/{student_id}/remove` (removing nothing is fine).
pub async fn remove_accommodation(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path((exam_id, student_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    if !is_id(&student_id) {
        return Err(AppError::NotFound);
    }
    queries::delete_accommodation(&state.db, &exam.id, &student_id).await?;
    section(&state.db, &ctx, &exam, &AccommodationForm::default(), &FieldErrors::new()).await
}

/// Query of the email suggestions.
#[derive(Debug, Default, Deserialize)]
pub struct StudentSearch {
    /// What was typed so far.
    #[serde(default)]
    pub email: String,
}

/// `GET /exams/{exam_id}/accommodations/students?email=…`: matching students (a `datalist`).
pub async fn search_students(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
    Query(q): Query<StudentSearch>,
) -> AppResult<Response> {
    owned_exam(&state.db, &user, &exam_id).await?;
    let hits = if q.email.trim().chars().count() >= 2 {
        accounts::search(&state.db, &q.email, Some(Role::Student), 8, 0).await?.0
    } else {
        Vec::new()
    };
    Ok(respond_with(&ctx, StatusCode::OK, ctx.t("editor.accommodations"), student_hits(&hits)))
}
