//! Handlers of the exam editor: the list, creating an exam, the exam page, its settings.

use super::accommodations::queries as accommodation_queries;
use super::detection::form::DetectionForm;
use super::detection::views::detection_summary;
use super::detection::{DetectionDefaults, ExamDetection, detection_settings, save_detection};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::access::owned_exam;
use super::accommodations::views as views_accommodations;
use super::forms::{ExamForm, FieldErrors, SlotForm, any_overlap};
use super::model::{Exam, ExamSettings, ExamSummary};
use super::queries;
use super::questions::forms::AccommodationForm;
use super::questions::queries as question_queries;
use super::questions::views as views_questions;
use super::slots::views;
use super::views_exam;
use crate::accounts::extract::{Authed, TeacherOrAdmin};
use crate::accounts::model::{Role, User};
use crate::app::AppState;
use crate::db::Db;
use crate::error::AppResult;
use crate::views::layout::{respond, respond_with};
use crate::web::PageCtx;

/// The exams `user` builds (every exam for an admin) and whether that is all exams.
pub async fn editor_exams(db: &Db, user: &User) -> AppResult<(Vec<ExamSummary>, bool)> {
    Ok(if user.role == Role::Admin {
        (crate::exams::queries::list_all_summaries(db).await?, true)
    } else {
        (queries::list_for_teacher(db, &user.id).await?, false)
    })
}

/// A blank slot form (30 seats).
pub fn blank_slot_form() -> SlotForm {
    SlotForm { capacity: "30".into(), ..SlotForm::default() }
}

/// Raw urlencoded pairs (the monitoring section repeats `forbidden_objects`).
type Pairs = Vec<(String, String)>;

/// The whole exam page: settings, monitoring, slots, questions, accommodations.
pub async fn exam_page_body(state: &AppState, ctx: &PageCtx, exam: &Exam) -> AppResult<Markup> {
    let db = &state.db;
    let slots = queries::list_slots(db, &exam.id).await?;
    let questions = question_queries::list_for_exam(db, &exam.id).await?;
    let accommodations = accommodation_queries::list_accommodations(db, &exam.id).await?;
    let detection = detection_settings(db, &exam.id).await?;
    let none = FieldErrors::new();
    Ok(html! {
        (views_exam::exam_header(ctx, exam))
        (detection_summary(ctx, &detection, &DetectionDefaults::from_config(&state.config)))
        (views::slots_section(ctx, exam, &slots, &blank_slot_form(), &none, None))
        (views_questions::questions_section(ctx, exam, &questions, None))
        (views_accommodations::accommodations_section(ctx, exam, &accommodations, &AccommodationForm::default(), &none))
    })
}

/// `GET /exams/new`.
pub async fn new_exam_page(State(state): State<AppState>, _t: Authed<TeacherOrAdmin>, ctx: PageCtx) -> Response {
    let defaults = DetectionDefaults::from_config(&state.config);
    let body = views_exam::settings_form(&ctx, None, &ExamForm::default(), &defaults, &FieldErrors::new());
    respond(&ctx, ctx.t("editor.new_exam"), body)
}

/// `POST /exams`: creates a draft owned by the caller, with its detection settings.
pub async fn create_exam(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Form(pairs): Form<Pairs>,
) -> AppResult<Response> {
    let form = ExamForm::from_pairs(&pairs);
    let defaults = DetectionDefaults::from_config(&state.config);
    let (settings, detection) = match form.validate_page(&defaults) {
        Ok(valid) => valid,
        Err(errors) => {
            let body = views_exam::settings_form(&ctx, None, &form, &defaults, &errors);
            return Ok(respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("editor.new_exam"), body));
        }
    };
    let id = queries::create_exam(&state.db, &user.id, &settings).await?;
    if let Some(d) = &detection {
        save_detection(&state.db, &id, d).await?;
    }
    tracing::info!(user = %user.id, exam_id = %id, "exam created");
    Ok(Redirect::to(&format!("/exams/{id}")).into_response())
}

/// `GET /exams/{exam_id}`.
pub async fn exam_page(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let body = exam_page_body(&state, &ctx, &exam).await?;
    Ok(respond(&ctx, &exam.title, body))
}

fn settings_of(exam: &Exam) -> ExamSettings {
    ExamSettings {
        title: exam.title.clone(),
        description: exam.description.clone(),
        duration_minutes: exam.duration_minutes,
        pass_mark_percent: exam.pass_mark_percent,
        shuffle_questions: exam.shuffle_questions,
        shuffle_options: exam.shuffle_options,
        release_mode: exam.release_mode,
    }
}

/// `GET /exams/{exam_id}/edit`.
pub async fn edit_exam_page(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let defaults = DetectionDefaults::from_config(&state.config);
    let stored = detection_settings(&state.db, &exam.id).await?;
    let form = ExamForm {
        detection: Some(DetectionForm::from_detection(&stored, &defaults.forbidden_objects)),
        ..ExamForm::from_settings(&settings_of(&exam))
    };
    let body = views_exam::settings_form(&ctx, Some(&exam.id), &form, &defaults, &FieldErrors::new());
    Ok(respond(&ctx, ctx.t("editor.edit_settings"), body))
}

/// Why the duration cannot become `minutes` (an i18n key), if it cannot: it is frozen once a
/// student started, and slots would overlap once lengthened.
async fn duration_refusal(state: &AppState, exam: &Exam, minutes: i64) -> AppResult<Option<&'static str>> {
    if minutes == exam.duration_minutes {
        return Ok(None);
    }
    if state.takers().started(&state.db, &exam.id).await? > 0 {
        return Ok(Some("editor.error.duration_frozen"));
    }
    let slots = queries::list_slots(&state.db, &exam.id).await?;
    let ranges: Vec<(i64, i64)> = slots.iter().map(|s| (s.starts_at, s.starts_at + minutes * 60_000)).collect();
    Ok(any_overlap(&ranges).then_some("editor.error.duration_overlap"))
}

/// The page's settings and detection settings, or the errors per field (a duration that can no
/// longer change included).
async fn checked_update(
    state: &AppState,
    exam: &Exam,
    form: &ExamForm,
    defaults: &DetectionDefaults,
) -> AppResult<Result<(ExamSettings, Option<ExamDetection>), FieldErrors>> {
    let (settings, detection) = match form.validate_page(defaults) {
        Ok(valid) => valid,
        Err(errors) => return Ok(Err(errors)),
    };
    Ok(match duration_refusal(state, exam, settings.duration_minutes).await? {
        Some(key) => Err(FieldErrors::from([("duration_minutes", key)])),
        None => Ok((settings, detection)),
    })
}

/// `POST /exams/{exam_id}`: saves the settings (and the detection settings when the form
/// carried them); slot ends follow a new duration.
pub async fn update_exam(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let mut form = ExamForm::from_pairs(&pairs);
    let defaults = DetectionDefaults::from_config(&state.config);
    let (settings, detection) = match checked_update(&state, &exam, &form, &defaults).await? {
        Ok(valid) => valid,
        Err(errors) => {
            if form.detection.is_none() {
                let stored = detection_settings(&state.db, &exam.id).await?;
                form.detection = Some(DetectionForm::from_detection(&stored, &defaults.forbidden_objects));
            }
            let body = views_exam::settings_form(&ctx, Some(&exam.id), &form, &defaults, &errors);
            return Ok(respond_with(&ctx, StatusCode::UNPROCESSABLE_ENTITY, ctx.t("editor.edit_settings"), body));
        }
    };
    queries::update_settings(&state.db, &exam.id, &settings).await?;
    if let Some(d) = &detection {
        save_detection(&state.db, &exam.id, d).await?;
    }
    if settings.duration_minutes != exam.duration_minutes {
        queries::recompute_slot_ends(&state.db, &exam.id, settings.duration_minutes).await?;
    }
    Ok(Redirect::to(&format!("/exams/{}", exam.id)).into_response())
}
