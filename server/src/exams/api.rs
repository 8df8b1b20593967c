//! JSON API of the exams context (bearer token): lists and details by role, creating a draft,
//! adding a question.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::access::{may_edit, owned_exam};
use super::detection::api::{DetectionJson, detection_json, error_parts};
use super::detection::{DetectionDefaults, ExamDetection, detection_settings, save_detection};
use super::forms::ExamForm;
use super::import;
use super::model::{Exam, ExamSettings, ExamStatus, ExamSummary, ReleaseMode, Slot};
use super::queries;
use super::questions::Question;
use super::questions::queries as question_queries;
use crate::accounts::extract::{Authed, TeacherOrAdmin};
use crate::accounts::model::Role;
use crate::api::ApiJson;
use crate::app::AppState;
use crate::db::{Db, is_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

fn summary_json(e: &ExamSummary) -> Value {
    json!({"id": e.id, "title": e.title, "duration_minutes": e.duration_minutes, "status": e.status.as_str(),
        "teacher_name": e.teacher_name, "upcoming_slots": e.upcoming_slots, "next_slot_at": e.next_slot_at.map(rfc3339)})
}

fn slot_json(s: &Slot) -> Value {
    json!({"id": s.id, "starts_at": rfc3339(s.starts_at), "ends_at": rfc3339(s.ends_at),
        "capacity": s.capacity, "booked": s.booked, "seats_left": s.seats_left()})
}

fn question_json(q: &Question) -> Value {
    let key: Value = serde_json::from_str(&q.key.to_json()).unwrap_or(Value::Null);
    json!({"id": q.id, "position": q.position, "kind": q.kind.as_str(), "prompt": q.prompt, "options": q.options,
        "key": key, "points": q.points.to_string(), "partial_credit": q.partial_credit})
}

async fn upcoming_slots(db: &Db, exam_id: &str) -> AppResult<Vec<Value>> {
    let now = now_ms();
    Ok(queries::list_slots(db, exam_id).await?.iter().filter(|s| s.starts_at > now).map(slot_json).collect())
}

/// The owner's view: settings, detection settings, slots, questions with their keys.
async fn owner_json(state: &AppState, exam: &Exam) -> AppResult<Value> {
    let db = &state.db;
    let slots = queries::list_slots(db, &exam.id).await?;
    let questions = question_queries::list_for_exam(db, &exam.id).await?;
    let detection = detection_settings(db, &exam.id).await?;
    let defaults = DetectionDefaults::from_config(&state.config);
    Ok(json!({"id": exam.id, "teacher_id": exam.teacher_id, "title": exam.title, "description": exam.description,
        "duration_minutes": exam.duration_minutes, "status": exam.status.as_str(), "pass_mark_percent": exam.pass_mark_percent,
        "shuffle_questions": exam.shuffle_questions, "shuffle_options": exam.shuffle_options,
        "release_mode": exam.release_mode.as_str(), "detection": detection_json(&detection, &defaults),
        "slots": slots.iter().map(slot_json).collect::<Vec<_>>(),
        "questions": questions.iter().map(question_json).collect::<Vec<_>>()}))
}

/// `GET /api/v1/exams`: teacher: own exams; admin: all; student: the published catalogue with
/// upcoming slots and seats left.
pub async fn list_exams(State(state): State<AppState>, Authed { user, .. }: Authed) -> AppResult<Json<Value>> {
    let db = &state.db;
    let exams: Vec<Value> = match user.role {
        Role::Teacher => queries::list_for_teacher(db, &user.id).await?.iter().map(summary_json).collect(),
        Role::Admin => queries::list_all_summaries(db).await?.iter().map(summary_json).collect(),
        Role::Student => {
            let mut out = Vec::new();
            for e in queries::catalogue(db).await? {
                let mut v = summary_json(&e);
                v["slots"] = Value::Array(upcoming_slots(db, &e.id).await?);
                out.push(v);
            }
            out
        }
        Role::Proctor => return Err(AppError::Forbidden),
    };
    Ok(Json(json!({ "exams": exams })))
}

/// `GET /api/v1/exams/{exam_id}`: the owner's view with keys, or a student's view of a
/// published exam (upcoming slots, no questions).
pub async fn get_exam(
    State(state): State<AppState>,
    Authed { user, .. }: Authed,
    Path(exam_id): Path<String>,
) -> AppResult<Json<Value>> {
    if !is_id(&exam_id) {
        return Err(AppError::NotFound);
    }
    let exam = queries::get_exam(&state.db, &exam_id).await?.ok_or(AppError::NotFound)?;
    match user.role {
        Role::Teacher | Role::Admin if may_edit(&user, &exam) => Ok(Json(owner_json(&state, &exam).await?)),
        Role::Student if exam.status == ExamStatus::Published => Ok(Json(json!({
            "id": exam.id, "title": exam.title, "description": exam.description,
            "duration_minutes": exam.duration_minutes, "slots": upcoming_slots(&state.db, &exam.id).await?}))),
        Role::Proctor => Err(AppError::Forbidden),
        _ => Err(AppError::NotFound),
    }
}

/// Body of `POST /api/v1/exams`.
#[derive(Debug, Default, Deserialize)]
pub struct NewExamJson {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    duration_minutes: Option<i64>,
    pass_mark_percent: Option<i64>,
    #[serde(default)]
    shuffle_questions: bool,
    #[serde(default)]
    shuffle_options: bool,
    release_mode: Option<String>,
    /// Absent: every check on, the environment's defaults.
    detection: Option<DetectionJson>,
}

fn messages(lang: Lang, errors: impl IntoIterator<Item = (&'static str, &'static str)>) -> Vec<String> {
    errors.into_iter().map(|(f, k)| format!("{f}: {}", lang.t(k))).collect()
}

fn invalid(lang: Lang, errors: impl IntoIterator<Item = (&'static str, &'static str)>) -> AppError {
    AppError::Invalid(messages(lang, errors).join(" "))
}

/// The settings and detection settings of a new exam, or 422 naming every wrong field.
fn validate_new(lang: Lang, body: NewExamJson) -> AppResult<(ExamSettings, Option<ExamDetection>)> {
    let form = ExamForm {
        title: body.title,
        description: body.description,
        duration_minutes: body.duration_minutes.map(|n| n.to_string()).unwrap_or_default(),
        pass_mark_percent: body.pass_mark_percent.map(|n| n.to_string()).unwrap_or_default(),
        shuffle_questions: body.shuffle_questions.then(|| "on".into()),
        shuffle_options: body.shuffle_options.then(|| "on".into()),
        release_mode: body.release_mode.unwrap_or_else(|| ReleaseMode::Immediate.as_str().into()),
        detection: body.detection.as_ref().map(DetectionJson::to_form),
    };
    let detection = form.detection.as_ref().map(ExamDetection::try_from).transpose();
    match (form.validate(), detection) {
        (Ok(settings), Ok(detection)) => Ok((settings, detection)),
        (settings, detection) => {
            let mut parts = messages(lang, settings.err().unwrap_or_default());
            if let (Some(raw), Err(errors)) = (&form.detection, detection) {
                parts.extend(error_parts(lang, raw, &errors, "detection."));
            }
            Err(AppError::Invalid(parts.join(" ")))
        }
    }
}

/// `POST /api/v1/exams`: a draft from settings (detection settings included); 201 with the
/// owner's view.
pub async fn create_exam(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    lang: Lang,
    ApiJson(body): ApiJson<NewExamJson>,
) -> AppResult<Response> {
    let (settings, detection) = validate_new(lang, body)?;
    let id = queries::create_exam(&state.db, &user.id, &settings).await?;
    if let Some(d) = &detection {
        save_detection(&state.db, &id, d).await?;
    }
    let exam = queries::get_exam(&state.db, &id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(owner_json(&state, &exam).await?)).into_response())
}

/// `POST /api/v1/exams/{exam_id}/questions`: appends one question; 201 with it.
pub async fn add_question(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    lang: Lang,
    Path(exam_id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let (input, mut errors) = import::question_from_json(&body);
    let draft = match input.validate() {
        Ok(d) if errors.is_empty() => d,
        Ok(_) => return Err(invalid(lang, errors)),
        Err(found) => {
            errors.extend(found);
            return Err(invalid(lang, errors));
        }
    };
    let id = question_queries::insert(&state.db, &exam.id, &draft).await?;
    let question = question_queries::get(&state.db, &exam.id, &id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(question_json(&question))).into_response())
}
