//! Downloads: PDF and CSV reports (exam, student, platform) and the streamed submissions and
//! anomalies exports. Every one is permission-checked like the page it comes from.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::csv;
use super::pdf_reports;
use super::stream;
use crate::accounts::extract::{AdminOnly, AnyRole, Authed, TeacherOrAdmin};
use crate::accounts::model::Role;
use crate::analytics::access;
use crate::analytics::handlers::RangeQuery;
use crate::analytics::platform;
use crate::analytics::platform::queries::SubmissionFilter;
use crate::analytics::reports;
use crate::app::AppState;
use crate::db::{is_id, now_ms};
use crate::error::{AppError, AppResult};
use crate::web::PageCtx;

/// A file name safe in a header: ASCII letters, digits and dashes from `name`.
pub fn slug(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
            'î' | 'ï' | 'Î' => 'i',
            'ô' | 'ö' | 'Ô' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' => 'u',
            'ç' | 'Ç' => 'c',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect();
    let parts: Vec<&str> = folded.split('-').filter(|p| !p.is_empty()).collect();
    let joined = parts.join("-");
    if joined.is_empty() { "report".into() } else { joined.chars().take(60).collect() }
}

/// A download response.
fn download(body: Body, content_type: &'static str, file_name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

const PDF: &str = "application/pdf";
const CSV: &str = "text/csv; charset=utf-8";

/// PDF rendering is CPU work: off the async threads.
async fn render(f: impl FnOnce() -> anyhow::Result<Vec<u8>> + Send + 'static) -> AppResult<Body> {
    let bytes = tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(e.into()))??;
    Ok(Body::from(bytes))
}

/// `GET /analytics/exams/{exam_id}/report.pdf`.
pub async fn exam_pdf(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
) -> AppResult<Response> {
    let exam = crate::exams::access::managed_exam(&state, &user, &exam_id).await?;
    let r = reports::exam_report(&state.db, &exam).await?;
    let name = format!("exam-{}-report.pdf", slug(&r.title));
    let lang = ctx.lang;
    Ok(download(render(move || pdf_reports::exam_pdf(lang, &r)).await?, PDF, &name))
}

/// `GET /analytics/exams/{exam_id}/report.csv`.
pub async fn exam_csv(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path(exam_id): Path<String>,
) -> AppResult<Response> {
    let exam = crate::exams::access::managed_exam(&state, &user, &exam_id).await?;
    let r = reports::exam_report(&state.db, &exam).await?;
    let bytes = csv::exam_csv(ctx.lang, &r)?;
    Ok(download(Body::from(bytes), CSV, &format!("exam-{}-report.csv", slug(&r.title))))
}

/// `GET /analytics/users/{user_id}/report.pdf`.
pub async fn user_pdf(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<AnyRole>,
    ctx: PageCtx,
    Path(user_id): Path<String>,
) -> AppResult<Response> {
    let (subject, released_only) = access::visible_user(&state.db, &user, &user_id).await?;
    let r = reports::user_report(&state.db, &subject, released_only).await?;
    let name = format!("user-{}-report.pdf", slug(&r.name));
    let lang = ctx.lang;
    Ok(download(render(move || pdf_reports::user_pdf(lang, &r)).await?, PDF, &name))
}

/// `GET /analytics/users/{user_id}/report.csv`.
pub async fn user_csv(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<AnyRole>,
    ctx: PageCtx,
    Path(user_id): Path<String>,
) -> AppResult<Response> {
    let (subject, released_only) = access::visible_user(&state.db, &user, &user_id).await?;
    let r = reports::user_report(&state.db, &subject, released_only).await?;
    let bytes = csv::user_csv(ctx.lang, &r)?;
    Ok(download(Body::from(bytes), CSV, &format!("user-{}-report.csv", slug(&r.name))))
}

/// `GET /analytics/platform/report.pdf?from=&to=`.
pub async fn platform_pdf(
    State(state): State<AppState>,
    _a: Authed<AdminOnly>,
    ctx: PageCtx,
    Query(range): Query<RangeQuery>,
) -> AppResult<Response> {
    let (from, to) = access::parse_range(ctx.lang, &range, now_ms())?;
    let p = platform::platform_report(&state.db, from, to, now_ms()).await?;
    let name = format!("platform-{}-{}.pdf", crate::analytics::fmt::date(from), crate::analytics::fmt::date(to - 1));
    let lang = ctx.lang;
    Ok(download(render(move || pdf_reports::platform_pdf(lang, &p)).await?, PDF, &name))
}

/// `GET /analytics/platform/report.csv?from=&to=`.
pub async fn platform_csv(
    State(state): State<AppState>,
    _a: Authed<AdminOnly>,
    ctx: PageCtx,
    Query(range): Query<RangeQuery>,
) -> AppResult<Response> {
    let (from, to) = access::parse_range(ctx.lang, &range, now_ms())?;
    let p = platform::platform_report(&state.db, from, to, now_ms()).await?;
    let bytes = csv::platform_csv(ctx.lang, &p)?;
    let name = format!("platform-{}-{}.csv", crate::analytics::fmt::date(from), crate::analytics::fmt::date(to - 1));
    Ok(download(Body::from(bytes), CSV, &name))
}

/// `GET /analytics/exports/submissions.csv?from=&to=[&exam_id=]`: streamed; a teacher gets
/// their own exams' submissions only, and another teacher's exam is a 404.
pub async fn submissions_csv(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Query(range): Query<RangeQuery>,
) -> AppResult<Response> {
    let (from, to) = if range.from.is_empty() && range.to.is_empty() && !range.exam_id.is_empty() {
        (i64::MIN / 2, i64::MAX / 2)
    } else {
        access::parse_range(ctx.lang, &range, now_ms())?
    };
    let exam_id = if range.exam_id.is_empty() {
        None
    } else if is_id(&range.exam_id) {
        Some(crate::exams::access::managed_exam(&state, &user, &range.exam_id).await?.id)
    } else {
        return Err(AppError::NotFound);
    };
    let teacher_id = (user.role != Role::Admin).then_some(user.id.as_str());
    let filter = SubmissionFilter::new(&state.db, from, to, teacher_id, exam_id).await?;
    let name = format!("submissions-{}.csv", crate::analytics::fmt::date(now_ms()));
    Ok(download(stream::body(stream::submissions(state.db.clone(), filter)), CSV, &name))
}

/// `GET /analytics/exports/anomalies.csv?from=&to=`: streamed (admin).
pub async fn anomalies_csv(
    State(state): State<AppState>,
    _a: Authed<AdminOnly>,
    ctx: PageCtx,
    Query(range): Query<RangeQuery>,
) -> AppResult<Response> {
    let (from, to) = access::parse_range(ctx.lang, &range, now_ms())?;
    let name = format!("anomalies-{}-{}.csv", crate::analytics::fmt::date(from), crate::analytics::fmt::date(to - 1));
    Ok(download(stream::body(stream::anomalies(state.db.clone(), from, to)), CSV, &name))
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs() {
        assert_eq!(slug("Algèbre linéaire — Été 2026"), "algebre-lineaire-ete-2026");
        assert_eq!(slug("\"; rm -rf"), "rm-rf");
        assert_eq!(slug("日本"), "report");
    }
}
