//! Taking the exam: question pages, autosave, review and submission.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{Attempt, AttemptStatus, SubmitReason};
use super::service::{self, SaveRefusal};
use super::submit;
use super::views_panels::{self, QuestionPanel};
use super::views_take::{self, Frame};
use super::{forms, queries};
use crate::accounts::extract::{Authed, StudentOnly};
use crate::app::AppState;
use crate::db::{is_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::exams::queries as exams;
use crate::exams::questions::StudentQuestion;
use crate::exams::questions::queries as question_queries;
use crate::views::layout::respond;
use crate::web::PageCtx;

/// The caller's attempt (404 for anyone else's), submitted first if its deadline passed.
async fn own_attempt(state: &AppState, student_id: &str, attempt_id: &str) -> AppResult<Attempt> {
    if !is_id(attempt_id) {
        return Err(AppError::NotFound);
    }
    service::load_for_student(state, student_id, attempt_id).await?.ok_or(AppError::NotFound)
}

fn result_url(attempt: &Attempt) -> String {
    format!("/attempts/{}/result", attempt.id)
}

/// Question `number` of the attempt as the student sees it (options in their order, no key).
async fn student_question(state: &AppState, attempt: &Attempt, number: usize) -> AppResult<StudentQuestion> {
    let qid = number.checked_sub(1).and_then(|i| attempt.question_order.get(i)).ok_or(AppError::NotFound)?;
    let questions = question_queries::list_by_ids(&state.db, &attempt.exam_id).await?;
    let question = questions.iter().find(|q| &q.id == qid).ok_or(AppError::NotFound)?;
    Ok(question.for_student(attempt.option_orders.get(qid).map(Vec::as_slice)))
}

/// `GET /attempts/{attempt_id}`: resume at the first unanswered question.
pub async fn resume(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    Path(attempt_id): Path<String>,
) -> AppResult<Redirect> {
    let attempt = own_attempt(&state, &user.id, &attempt_id).await?;
    if attempt.status == AttemptStatus::Submitted {
        return Ok(Redirect::to(&result_url(&attempt)));
    }
    let responses = queries::responses(&state.db, &attempt.id).await?;
    let first_open =
        attempt.question_order.iter().position(|q| responses.get(q).is_none_or(|r| r.is_blank())).unwrap_or(0);
    Ok(Redirect::to(&format!("/attempts/{}/q/{}", attempt.id, first_open + 1)))
}

/// What `#exam-body` shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Panel {
    /// Question n (1-based).
    Question(usize),
    /// The review before submitting.
    Review,
}

impl Panel {
    fn url(self, attempt: &Attempt) -> String {
        match self {
            Panel::Question(n) => format!("/attempts/{}/q/{n}", attempt.id),
            Panel::Review => format!("/attempts/{}/review", attempt.id),
        }
    }
}

/// The panel alone for htmx (swapped into the loaded exam page), else the whole exam page
/// around the same panel markup.
async fn show(state: &AppState, ctx: &PageCtx, attempt: &Attempt, panel: Panel) -> AppResult<Response> {
    let responses = queries::responses(&state.db, &attempt.id).await?;
    let body = match panel {
        Panel::Question(number) => {
            let question = student_question(state, attempt, number).await?;
            let p = QuestionPanel { attempt, number, question: &question, responses: &responses };
            views_panels::question_panel(ctx, &p)
        }
        Panel::Review => views_panels::review_panel(ctx, attempt, &responses),
    };
    let exam = exams::get_exam_any(&state.db, &attempt.exam_id).await?.ok_or(AppError::NotFound)?;
    if ctx.htmx {
        return Ok(respond(ctx, &exam.title, body));
    }
    let monitor = crate::monitoring::take_attrs(state, &attempt.watched()).await?;
    let frame = Frame { attempt, responses: &responses, now: now_ms(), monitor: monitor.as_ref() };
    Ok(respond(ctx, &exam.title, views_take::exam_page(ctx, &frame, body)))
}

/// `GET /attempts/{attempt_id}/q/{n}`: the question (panel for htmx, exam page otherwise).
pub async fn question_page(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
    Path((attempt_id, number)): Path<(String, usize)>,
) -> AppResult<Response> {
    let attempt = own_attempt(&state, &user.id, &attempt_id).await?;
    if attempt.status == AttemptStatus::Submitted {
        return Ok(to_result(&ctx, &attempt));
    }
    show(&state, &ctx, &attempt, Panel::Question(number)).await
}

/// `POST /attempts/{attempt_id}/q/{n}`: saves the answer. An htmx autosave gets the "saved"
/// status; an htmx navigation button (`go`) gets the panel it asked for and its URL in
/// `HX-Push-Url`; a plain form is redirected there.
pub async fn save_answer(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
    Path((attempt_id, number)): Path<(String, usize)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let attempt = own_attempt(&state, &user.id, &attempt_id).await?;
    if attempt.status == AttemptStatus::Submitted {
        return Ok(closed(&ctx, &attempt));
    }
    let question = student_question(&state, &attempt, number).await?;
    let response =
        forms::response_from_form(&question, &fields).map_err(|key| AppError::Invalid(ctx.lang.t(key).to_owned()))?;
    if let Some(response) = response {
        if let Err(SaveRefusal::Closed) = service::save_answer(&state.db, &attempt, &question.id, &response).await? {
            submit::submit(&state, &attempt.id, SubmitReason::Deadline).await?;
            return Ok(closed(&ctx, &attempt));
        }
    }
    let go = fields.iter().find(|(k, _)| k == "go").map(|(_, v)| v.as_str());
    let target = match go {
        None if ctx.htmx => {
            let responses = queries::responses(&state.db, &attempt.id).await?;
            return Ok(respond(&ctx, "", views_take::saved_fragment(&ctx, &attempt, number, &responses, now_ms())));
        }
        Some("prev") => Panel::Question(number.saturating_sub(1).max(1)),
        Some("review") => Panel::Review,
        _ if number >= attempt.question_order.len() => Panel::Review,
        _ => Panel::Question(number + 1),
    };
    if !ctx.htmx {
        return Ok(Redirect::to(&target.url(&attempt)).into_response());
    }
    let mut page = show(&state, &ctx, &attempt, target).await?;
    if let Ok(url) = HeaderValue::from_str(&target.url(&attempt)) {
        page.headers_mut().insert("hx-push-url", url);
    }
    Ok(page)
}

/// The attempt is over: a page goes to the result, an htmx request is redirected there whole.
fn to_result(ctx: &PageCtx, attempt: &Attempt) -> Response {
    let url = result_url(attempt);
    match HeaderValue::from_str(&url) {
        Ok(v) if ctx.htmx => ([("hx-redirect", v)], "").into_response(),
        _ => Redirect::to(&url).into_response(),
    }
}

/// The attempt no longer takes answers: say so and go to the result page.
fn closed(ctx: &PageCtx, attempt: &Attempt) -> Response {
    if ctx.htmx {
        let mut r =
            (StatusCode::CONFLICT, crate::views::layout::toast_fragment("error", ctx.t("attempt.error.closed")))
                .into_response();
        if let Ok(v) = HeaderValue::from_str(&result_url(attempt)) {
            r.headers_mut().insert("hx-redirect", v);
        }
        return r;
    }
    Redirect::to(&result_url(attempt)).into_response()
}

/// `GET /attempts/{attempt_id}/review` (panel for htmx, exam page otherwise).
pub async fn review(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
    Path(attempt_id): Path<String>,
) -> AppResult<Response> {
    let attempt = own_attempt(&state, &user.id, &attempt_id).await?;
    if attempt.status == AttemptStatus::Submitted {
        return Ok(to_result(&ctx, &attempt));
    }
    show(&state, &ctx, &attempt, Panel::Review).await
}

/// The submit form.
#[derive(Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /attempts/{attempt_id}/submit`: the student hands in (once).
pub async fn submit(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
    Path(attempt_id): Path<String>,
    Form(form): Form<SubmitForm>,
) -> AppResult<Redirect> {
    let attempt = own_attempt(&state, &user.id, &attempt_id).await?;
    if attempt.status == AttemptStatus::InProgress {
        if form.confirm != "yes" {
            return Err(AppError::Invalid(ctx.t("attempt.error.confirm_submit").to_owned()));
        }
        submit::submit(&state, &attempt.id, SubmitReason::Student).await?;
        tracing::info!(attempt_id = %attempt.id, "attempt submitted by the student");
    }
    Ok(Redirect::to(&result_url(&attempt)))
}
