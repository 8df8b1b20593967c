//! Bulk import: upload (multipart, at most 1 MiB), a preview with per-row errors before
//! anything is saved, then a confirmation that re-sends the file (base64 in a hidden field) and
//! checks it again: the client is never trusted between the two steps.

use axum::Form;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::views;
use crate::accounts::extract::{Authed, TeacherOrAdmin};
use crate::app::AppState;
use crate::error::AppResult;
use crate::exams::access::owned_exam;
use crate::exams::import::{self, EXAMPLE_CSV, Format, MAX_BYTES, MAX_ROWS};
use crate::exams::model::Exam;
use crate::exams::questions::queries;
use crate::views::layout::{respond, respond_with};
use crate::web::PageCtx;

fn upload_error(ctx: &PageCtx, exam: &Exam, status: StatusCode, key: &'static str) -> Response {
    let message = ctx.lang.tf(key, &[("max", &MAX_ROWS.to_string())]);
    respond_with(ctx, status, ctx.t("editor.import"), views::upload_form(ctx, exam, Some(&message)))
}

/// `GET /exams/{exam_id}/import`.
pub async fn import_page(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    Ok(respond(&ctx, ctx.t("editor.import"), views::upload_form(&ctx, &exam, None)))
}

/// The uploaded file's name and bytes; `Err` is the status and message key to show.
async fn read_file(mut multipart: Multipart) -> Result<(String, Vec<u8>), (StatusCode, &'static str)> {
    let too_large = (StatusCode::PAYLOAD_TOO_LARGE, "editor.import.too_large");
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large
        } else {
            (StatusCode::BAD_REQUEST, "editor.import.no_file")
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if bytes.len() + chunk.len() > MAX_BYTES {
                return Err(too_large);
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            break;
        }
        return Ok((name, bytes));
    }
    Err((StatusCode::UNPROCESSABLE_ENTITY, "editor.import.no_file"))
}

/// The preview of `bytes`: 200 when every row is valid, 422 otherwise.
fn preview(ctx: &PageCtx, exam: &Exam, bytes: &[u8], format: Format) -> Response {
    let rows = match import::parse(bytes, format) {
        Ok(rows) => rows,
        Err(key) => return upload_error(ctx, exam, StatusCode::UNPROCESSABLE_ENTITY, key),
    };
    let status = if import::all_valid(&rows) { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let body = views::preview_table(ctx, exam, &rows, format, &URL_SAFE_NO_PAD.encode(bytes));
    respond_with(ctx, status, ctx.t("editor.import.preview"), body)
}

/// `POST /exams/{exam_id}/import` (multipart `file`): the preview; nothing is saved.
pub async fn upload_import(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let file = match Multipart::from_request(req, &state).await {
        Ok(multipart) => read_file(multipart).await,
        Err(_) => Err((StatusCode::UNPROCESSABLE_ENTITY, "editor.import.no_file")),
    };
    match file {
        Ok((name, bytes)) => Ok(preview(&ctx, &exam, &bytes, Format::detect(&name, &bytes))),
        Err((status, key)) => Ok(upload_error(&ctx, &exam, status, key)),
    }
}

/// The confirmation form: the file again.
#[derive(Debug, Default, Deserialize)]
pub struct ConfirmImportForm {
    /// `csv` or `json`.
    #[serde(default)]
    pub format: String,
    /// The file, base64url.
    #[serde(default)]
    pub content: String,
}

/// `POST /exams/{exam_id}/import/confirm`: checks the file again and saves every row in one
/// transaction, or nothing.
pub async fn confirm_import(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
    Form(form): Form<ConfirmImportForm>,
) -> AppResult<Response> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let (Some(format), Ok(bytes)) = (Format::parse(&form.format), URL_SAFE_NO_PAD.decode(form.content.trim())) else {
        return Ok(upload_error(&ctx, &exam, StatusCode::UNPROCESSABLE_ENTITY, "editor.import.no_file"));
    };
    let drafts: Option<Vec<_>> = match import::parse(&bytes, format) {
        Ok(rows) => rows.into_iter().map(|r| r.draft).collect(),
        Err(_) => None,
    };
    let Some(drafts) = drafts else { return Ok(preview(&ctx, &exam, &bytes, format)) };
    let ids = queries::insert_all(&state.db, &exam.id, &drafts).await?;
    tracing::info!(user = %user.id, exam_id = %exam.id, questions = ids.len(), "questions imported");
    Ok(Redirect::to(&format!("/exams/{}#questions", exam.id)).into_response())
}

/// `GET /exams/import-example.csv`.
pub async fn example_csv(_t: Authed<TeacherOrAdmin>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"proctorwise-questions.csv\""),
        ],
        EXAMPLE_CSV,
    )
        .into_response()
}
