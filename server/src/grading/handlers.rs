//! Grading pages: teacher results, copies, essay grades, release; the student's results.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::service::{self, GradeRefusal};
use super::{queries, views_student, views_teacher};
use crate::accounts::extract::{Authed, StudentOnly, TeacherOrAdmin};
use crate::accounts::model::Role;
use crate::app::AppState;
use crate::attempts::model::AttemptStatus;
use crate::db::is_id;
use crate::error::{AppError, AppResult};
use crate::exams::access::managed_exam;
use crate::exams::points::Points;
use crate::exams::queries as exams;
use crate::exams::questions::queries as question_queries;
use crate::monitoring;
use crate::views::layout::respond;
use crate::web::PageCtx;

/// `GET /exams/{exam_id}/results`.
pub async fn results(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
) -> AppResult<Response> {
    let exam = managed_exam(&state, &user, &exam_id).await?;
    let rows = queries::results_for_exam(&state.db, &exam.id).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.sheet.attempt_id.clone()).collect();
    // Integrity comes before the grade: monitoring's own reading of its tables.
    let integrity = monitoring::integrity_of_attempts(&state.db, &ids).await?;
    let evidence = monitoring::may_see_evidence(&state.db, &user, &exam.id).await?;
    let title = ctx.lang.tf("grading.results_of", &[("exam", &exam.title)]);
    Ok(respond(&ctx, &title, views_teacher::results(&ctx, &exam, &rows, &integrity, evidence)))
}

/// `GET /exams/{exam_id}/results/{attempt_id}`: one student's copy.
pub async fn copy(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path((exam_id, attempt_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let exam = managed_exam(&state, &user, &exam_id).await?;
    let rows = queries::results_for_exam(&state.db, &exam.id).await?;
    let row = rows.iter().find(|r| r.sheet.attempt_id == attempt_id).ok_or(AppError::NotFound)?;
    let attempt = crate::attempts::queries::get(&state.db, &attempt_id).await?.ok_or(AppError::NotFound)?;
    let all = question_queries::list_by_ids(&state.db, &exam.id).await?;
    let questions: Vec<_> =
        attempt.question_order.iter().filter_map(|id| all.iter().find(|q| &q.id == id).cloned()).collect();
    let answers = queries::answers(&state.db, &attempt_id).await?;
    let integrity = monitoring::integrity_of_attempts(&state.db, std::slice::from_ref(&attempt.id)).await?;
    let evidence = monitoring::may_see_evidence(&state.db, &user, &exam.id).await?;
    let integrity = views_teacher::Integrity { of: integrity.get(&attempt.id), evidence };
    let title = ctx.lang.tf("grading.copy_of", &[("student", &row.student_name)]);
    Ok(respond(&ctx, &title, views_teacher::copy(&ctx, &exam, row, &questions, &answers, &integrity)))
}

/// The essay grade form.
#[derive(Deserialize)]
pub struct GradeForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

/// `POST /exams/{exam_id}/results/{attempt_id}/questions/{question_id}/grade`.
pub async fn grade(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path((exam_id, attempt_id, question_id)): Path<(String, String, String)>,
    Form(form): Form<GradeForm>,
) -> AppResult<Response> {
    let exam = managed_exam(&state, &user, &exam_id).await?;
    if !is_id(&attempt_id) || !is_id(&question_id) {
        return Err(AppError::NotFound);
    }
    let attempt = crate::attempts::queries::get(&state.db, &attempt_id).await?.ok_or(AppError::NotFound)?;
    if attempt.exam_id != exam.id || attempt.status != AttemptStatus::Submitted {
        return Err(AppError::NotFound);
    }
    let score = Points::parse_score(&form.score).map_err(|k| AppError::Invalid(ctx.lang.t(k).to_owned()))?;
    let comment: String = form.comment.trim().chars().take(5000).collect();
    match service::grade_essay(&state.db, &attempt_id, &question_id, score, &comment, &user.id).await? {
        Ok(_) => {
            Ok(Redirect::to(&format!("/exams/{}/results/{}#q-{}", exam.id, attempt_id, question_id)).into_response())
        }
        Err(GradeRefusal::NotFound) => Err(AppError::NotFound),
        Err(GradeRefusal::NotAnEssay) => Err(AppError::Invalid(ctx.t("grading.error.not_essay").to_owned())),
        Err(GradeRefusal::TooHigh(max)) => {
            Err(AppError::Invalid(ctx.lang.tf("grading.error.too_high", &[("max", &max.to_string())])))
        }
    }
}

/// `POST /exams/{exam_id}/results/release`: students see their graded results from now on.
pub async fn release(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    Path(exam_id): Path<String>,
) -> AppResult<Redirect> {
    let exam = managed_exam(&state, &user, &exam_id).await?;
    if exam.results_released_at.is_none() && service::release_results(&state.db, &exam).await? {
        tracing::info!(exam_id = %exam.id, by = %user.id, "results released");
    }
    Ok(Redirect::to(&format!("/exams/{}/results", exam.id)))
}

/// `GET /grading`: essays waiting for the teacher (every exam for an admin).
pub async fn review_queue(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
) -> AppResult<Response> {
    let scope = (user.role != Role::Admin).then_some(user.id.as_str());
    let rows = queries::review_queue(&state.db, scope).await?;
    Ok(respond(&ctx, ctx.t("grading.queue_title"), views_teacher::queue(&ctx, &rows)))
}

/// `GET /results`: the student's attempts and released results.
pub async fn my_results(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
) -> AppResult<Response> {
    let rows = queries::results_of_student(&state.db, &user.id).await?;
    Ok(respond(&ctx, ctx.t("grading.my_results"), views_student::my_results(&ctx, &rows)))
}

/// `GET /attempts/{attempt_id}/result`: one result, with feedback once released.
pub async fn my_result(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
    Path(attempt_id): Path<String>,
) -> AppResult<Response> {
    if !is_id(&attempt_id) {
        return Err(AppError::NotFound);
    }
    let attempt =
        crate::attempts::service::load_for_student(&state, &user.id, &attempt_id).await?.ok_or(AppError::NotFound)?;
    if attempt.status == AttemptStatus::InProgress {
        return Ok(Redirect::to(&format!("/attempts/{}", attempt.id)).into_response());
    }
    let exam = exams::get_exam_any(&state.db, &attempt.exam_id).await?.ok_or(AppError::NotFound)?;
    let questions = question_queries::list_by_ids(&state.db, &exam.id).await?;
    let answers = queries::answers(&state.db, &attempt.id).await?;
    // A proctor who stopped the exam left a reason the student must read.
    let stopped = crate::monitoring::proctor_stop_notice(&state.db, &attempt.id, ctx.lang).await?;
    let body = maud::html! {
        @if let Some(notice) = stopped { (notice) }
        (views_student::result(&ctx, &exam, &attempt, &questions, &answers))
    };
    Ok(respond(&ctx, &exam.title, body))
}
