//! JSON API of attempts: start, read the questions (never the key), save answers, submit.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::model::{AttemptStatus, SubmitReason};
use super::service::{self, SaveRefusal, StartRefusal};
use super::submit;
use super::{forms, queries};
use crate::accounts::extract::{Authed, StudentOnly};
use crate::api::ApiJson;
use crate::app::AppState;
use crate::db::{is_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::exams::questions::queries as question_queries;
use crate::exams::questions::{Response, StudentQuestion};
use crate::i18n::Lang;

/// Body of the start call.
#[derive(Deserialize)]
pub struct StartBody {
    /// Must be true: the student accepts the rules and the monitoring.
    consent: bool,
    /// `granted` when the client checked the camera.
    webcam: String,
}

/// `POST /api/v1/bookings/{booking_id}/start`.
pub async fn start(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    lang: Lang,
    Path(booking_id): Path<String>,
    ApiJson(body): ApiJson<StartBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    if !is_id(&booking_id) {
        return Err(AppError::NotFound);
    }
    if !body.consent {
        return Err(AppError::Invalid(lang.t("attempt.error.consent_required").to_owned()));
    }
    if body.webcam != "granted" {
        service::record_webcam_refusal(&state, &user.id, &booking_id, "api: webcam not granted").await?;
    }
    match service::start(&state, &user.id, &booking_id, body.webcam == "granted").await? {
        Ok(id) => {
            let attempt = queries::get(&state.db, &id).await?.ok_or(AppError::NotFound)?;
            Ok((StatusCode::CREATED, Json(json!({"attempt_id": id, "deadline_at": attempt.deadline_at}))))
        }
        Err(StartRefusal::NotFound) => Err(AppError::NotFound),
        Err(StartRefusal::WebcamRequired) => Err(AppError::Invalid(lang.t("attempt.error.webcam_required").to_owned())),
        Err(refusal) => Err(AppError::Conflict(lang.t(refusal.message_key()).to_owned())),
    }
}

/// A question with the student's saved response.
#[derive(Serialize)]
struct QuestionJson {
    number: usize,
    #[serde(flatten)]
    question: StudentQuestion,
    points: String,
    response: Option<Response>,
}

/// `GET /api/v1/attempts/{attempt_id}`: status, deadline and questions (no key).
pub async fn get_attempt(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    Path(attempt_id): Path<String>,
) -> AppResult<Json<Value>> {
    let attempt = own(&state, &user.id, &attempt_id).await?;
    let questions = question_queries::list_by_ids(&state.db, &attempt.exam_id).await?;
    let responses = queries::responses(&state.db, &attempt.id).await?;
    let items: Vec<QuestionJson> = attempt
        .question_order
        .iter()
        .enumerate()
        .filter_map(|(i, qid)| {
            let q = questions.iter().find(|q| &q.id == qid)?;
            Some(QuestionJson {
                number: i + 1,
                question: q.for_student(attempt.option_orders.get(qid).map(Vec::as_slice)),
                points: q.points.to_string(),
                response: responses.get(qid).cloned(),
            })
        })
        .collect();
    let status = if attempt.status == AttemptStatus::Submitted { "submitted" } else { "in_progress" };
    Ok(Json(json!({
        "id": attempt.id, "status": status, "deadline_at": attempt.deadline_at, "server_now": now_ms(), "questions": items,
    })))
}

async fn own(state: &AppState, student_id: &str, attempt_id: &str) -> AppResult<super::model::Attempt> {
    if !is_id(attempt_id) {
        return Err(AppError::NotFound);
    }
    service::load_for_student(state, student_id, attempt_id).await?.ok_or(AppError::NotFound)
}

/// Body of an answer.
#[derive(Deserialize)]
pub struct AnswerBody {
    question_id: String,
    /// `[indices]` (MCQ, original option indices), `true`/`false`, or `"text"`.
    response: Response,
}

/// `POST /api/v1/attempts/{attempt_id}/answers`: saves one answer (same rules as the page).
pub async fn save_answer(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    lang: Lang,
    Path(attempt_id): Path<String>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> AppResult<Json<Value>> {
    let attempt = own(&state, &user.id, &attempt_id).await?;
    if attempt.status == AttemptStatus::Submitted {
        return Err(AppError::Conflict(lang.t("attempt.error.closed").to_owned()));
    }
    let questions = question_queries::list_by_ids(&state.db, &attempt.exam_id).await?;
    let question = questions
        .iter()
        .find(|q| q.id == body.question_id && attempt.question_order.contains(&q.id))
        .ok_or_else(|| AppError::Invalid(lang.t("attempt.error.bad_choice").to_owned()))?;
    let view = question.for_student(attempt.option_orders.get(&question.id).map(Vec::as_slice));
    let fields = as_form_fields(&body.response);
    let response = forms::response_from_form(&view, &fields)
        .map_err(|k| AppError::Invalid(lang.t(k).to_owned()))?
        .ok_or_else(|| AppError::Invalid(lang.t("attempt.error.bad_choice").to_owned()))?;
    match service::save_answer(&state.db, &attempt, &question.id, &response).await? {
        Ok(()) => Ok(Json(json!({"saved_at": now_ms()}))),
        Err(SaveRefusal::UnknownQuestion) => Err(AppError::Invalid(lang.t("attempt.error.bad_choice").to_owned())),
        Err(SaveRefusal::Closed) => {
            submit::submit(&state, &attempt.id, SubmitReason::Deadline).await?;
            Err(AppError::Conflict(lang.t("attempt.error.closed").to_owned()))
        }
    }
}

/// The same validation as the form: the JSON response is read as the form fields would be.
fn as_form_fields(response: &Response) -> Vec<(String, String)> {
    match response {
        Response::Choices(c) => std::iter::once(("choice_present".to_owned(), "1".to_owned()))
            .chain(c.iter().map(|i| ("choice".to_owned(), i.to_string())))
            .collect(),
        Response::Bool(b) => vec![("truth".into(), b.to_string())],
        Response::Text(t) => vec![("text".into(), t.clone())],
    }
}

/// `POST /api/v1/attempts/{attempt_id}/submit`.
pub async fn submit(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    Path(attempt_id): Path<String>,
) -> AppResult<Json<Value>> {
    let attempt = own(&state, &user.id, &attempt_id).await?;
    if attempt.status == AttemptStatus::InProgress {
        submit::submit(&state, &attempt.id, SubmitReason::Student).await?;
    }
    Ok(Json(json!({"id": attempt.id, "status": "submitted"})))
}

/// OpenAPI paths of this API.
pub fn openapi_paths() -> Value {
    use crate::api::openapi::error;
    let bearer = json!([{"bearer": []}]);
    json!({
        "/api/v1/bookings/{booking_id}/start": {"post": {
            "summary": "Start (or resume) the attempt of one's booking inside its slot window",
            "security": bearer,
            "parameters": [{"name": "booking_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["consent", "webcam"],
                "properties": {"consent": {"type": "boolean"}, "webcam": {"type": "string", "enum": ["granted", "denied"]}}}}}},
            "responses": {
                "201": {"description": "Attempt started or resumed", "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"attempt_id": {"type": "string"}, "deadline_at": {"type": "integer", "description": "UTC ms"}}}}}},
                "401": error("Not logged in"), "403": error("Not a student"), "404": error("Not your booking"),
                "409": error("Too early, expired, already submitted or no question"), "422": error("No consent or no webcam (the refusal is recorded)")}}},
        "/api/v1/attempts/{attempt_id}": {"get": {
            "summary": "The attempt: status, server deadline, questions without their key, saved responses",
            "security": bearer,
            "parameters": [{"name": "attempt_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {"200": {"description": "The attempt"}, "401": error("Not logged in"), "403": error("Not a student"), "404": error("Not your attempt")}}},
        "/api/v1/attempts/{attempt_id}/answers": {"post": {
            "summary": "Save one answer (before the deadline)",
            "security": bearer,
            "parameters": [{"name": "attempt_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["question_id", "response"],
                "properties": {"question_id": {"type": "string"}, "response": {"oneOf": [
                    {"type": "array", "items": {"type": "integer"}, "description": "MCQ: original option indices"},
                    {"type": "boolean", "description": "True/false"}, {"type": "string", "description": "Short answer or essay"}]}}}}}},
            "responses": {"200": {"description": "Saved"}, "401": error("Not logged in"), "403": error("Not a student"),
                "404": error("Not your attempt"), "409": error("Submitted or past the deadline"), "422": error("Response of the wrong shape")}}},
        "/api/v1/attempts/{attempt_id}/submit": {"post": {
            "summary": "Submit the attempt (idempotent)",
            "security": bearer,
            "parameters": [{"name": "attempt_id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {"200": {"description": "Submitted"}, "401": error("Not logged in"), "403": error("Not a student"), "404": error("Not your attempt")}}}
    })
}
