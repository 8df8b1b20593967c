//! Questions: add and edit with one form for the four kinds, reorder, delete, regrade after a
//! key change, and the student's-eye preview.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::forms::QuestionForm;
use super::preview;
use super::queries;
use super::views;
use crate::accounts::extract::{Authed, TeacherOrAdmin};
use crate::app::AppState;
use crate::db::is_id;
use crate::error::{AppError, AppResult};
use crate::exams::access::owned_exam;
use crate::exams::forms::FieldErrors;
use crate::exams::handlers_status::ConfirmForm;
use crate::exams::model::Exam;
use crate::exams::questions::{Question, QuestionKind};
use crate::views::layout::{respond, respond_with};
use crate::web::PageCtx;

/// Raw urlencoded pairs (the question form repeats `option` and `correct`).
type Pairs = Vec<(String, String)>;

async fn owned_question(state: &AppState, exam: &Exam, question_id: &str) -> AppResult<Question> {
    if !is_id(question_id) {
        return Err(AppError::NotFound);
    }
    queries::get(&state.db, &exam.id, question_id).await?.ok_or(AppError::NotFound)
}

/// The questions section for htmx, else back to the exam page.
async fn after_change(state: &AppState, ctx: &PageCtx, exam: &Exam, pending: Option<&Question>) -> AppResult<Response> {
    if !ctx.htmx && pending.is_none() {
        return Ok(Redirect::to(&format!("/exams/{}#questions", exam.id)).into_response());
    }
    let questions = queries::list_for_exam(&state.db, &exam.id).await?;
    Ok(respond(ctx, ctx.t("editor.questions"), views::questions_section(ctx, exam, &questions, pending)))
}

fn form_page(ctx: &PageCtx, exam: &Exam, id: Option<&str>, form: &QuestionForm, errors: &FieldErrors) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let title = ctx.t(if id.is_some() { "editor.question.edit" } else { "editor.question.new" });
    respond_with(ctx, status, title, views::question_form(ctx, &exam.id, id, form, errors))
}

/// Query of the new-question page.
#[derive(Debug, Default, Deserialize)]
pub struct KindQuery {
    /// Kind to start with.
    #[serde(default)]
    pub kind: String,
}

/// `GET /exams/{exam_id}/questions/new?kind=…`.
pub async fn new_question_page(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
    Query(q): Query<KindQuery>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let form = QuestionForm::blank(QuestionKind::parse(&q.kind).unwrap_or(QuestionKind::Mcq));
    Ok(form_page(&ctx, &exam, None, &form, &FieldErrors::new()))
}

/// `POST /exams/{exam_id}/questions`.
pub async fn create_question(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let form = QuestionForm::from_pairs(&pairs);
    match form.to_input().validate() {
        Ok(draft) => {
            queries::insert(&state.db, &exam.id, &draft).await?;
            Ok(Redirect::to(&format!("/exams/{}#questions", exam.id)).into_response())
        }
        Err(errors) => Ok(form_page(&ctx, &exam, None, &form, &errors)),
    }
}

/// `GET /exams/{exam_id}/questions/{question_id}/edit`.
pub async fn edit_question_page(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path((exam_id, question_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let question = owned_question(&state, &exam, &question_id).await?;
    Ok(form_page(&ctx, &exam, Some(&question.id), &QuestionForm::from_question(&question), &FieldErrors::new()))
}

/// `POST /exams/{exam_id}/questions/{question_id}`: saves; offers a regrade when the key or
/// points changed and submissions exist.
pub async fn update_question(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path((exam_id, question_id)): Path<(String, String)>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let question = owned_question(&state, &exam, &question_id).await?;
    let form = QuestionForm::from_pairs(&pairs);
    let draft = match form.to_input().validate() {
        Ok(d) => d,
        Err(errors) => return Ok(form_page(&ctx, &exam, Some(&question.id), &form, &errors)),
    };
    let key_changed = queries::update(&state.db, &exam.id, &question.id, &draft).await?;
    let submissions = if key_changed { state.takers().answered(&state.db, &question.id).await? } else { 0 };
    if submissions > 0 {
        let body = views::regrade_offer(&ctx, &exam.id, &question.id, submissions);
        return Ok(respond(&ctx, ctx.t("editor.question.saved"), body));
    }
    Ok(Redirect::to(&format!("/exams/{}#questions", exam.id)).into_response())
}

/// Form of a move.
#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    /// `up` or `down`.
    #[serde(default)]
    pub direction: String,
}

/// `POST /exams/{exam_id}/questions/{question_id}/move`.
pub async fn move_question(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path((exam_id, question_id)): Path<(String, String)>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let question = owned_question(&state, &exam, &question_id).await?;
    let delta = match form.direction.as_str() {
        "up" => -1,
        "down" => 1,
        _ => return Err(AppError::Invalid(ctx.t("editor.error.direction").to_owned())),
    };
    queries::shift(&state.db, &exam.id, &question.id, delta).await?;
    after_change(&state, &ctx, &exam, None).await
}

/// `POST /exams/{exam_id}/questions/{question_id}/delete`: asks first, then deletes (soft).
pub async fn delete_question(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path((exam_id, question_id)): Path<(String, String)>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let question = owned_question(&state, &exam, &question_id).await?;
    if !form.confirmed() {
        return after_change(&state, &ctx, &exam, Some(&question)).await;
    }
    queries::delete(&state.db, &exam.id, &question.id).await?;
    after_change(&state, &ctx, &exam, None).await
}

/// `GET /exams/{exam_id}/preview`: the questions as students see them (no key).
pub async fn preview_exam(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let questions = queries::list_for_exam(&state.db, &exam.id).await?;
    let seen: Vec<_> = questions.iter().map(|q| q.for_student(None)).collect();
    let title = ctx.lang.tf("editor.preview.title", &[("title", &exam.title)]);
    Ok(respond(&ctx, &title, preview::preview(&ctx, &exam, &seen)))
}
