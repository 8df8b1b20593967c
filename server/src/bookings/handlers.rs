//! Pages of the student's booking journey: the student home's content, "My bookings", booking
//! and cancelling (htmx swaps in place with a toast; without JavaScript, a redirect and a notice).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use tower_sessions::Session;

use super::flash::{self, Notice};
use super::forms::BookForm;
use super::{actions, queries, views};
use crate::accounts::extract::{Authed, StudentOnly};
use crate::accounts::model::User;
use crate::app::AppState;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::views::layout::respond;
use crate::web::PageCtx;

/// Content of the student home (`GET /student`): current bookings above the catalogue.
pub async fn journey(state: &AppState, student: &User, ctx: &PageCtx) -> AppResult<Markup> {
    let now = now_ms();
    let mut current = queries::list_for_student(state, &student.id, now).await?;
    current.retain(|b| b.status_at(now).is_current());
    let exams = queries::catalogue(&state.db, now).await?;
    let active = queries::active_for_student(&state.db, &student.id).await?;
    Ok(views::journey(ctx, &current, &exams, &active, now))
}

async fn panel(state: &AppState, student: &User, ctx: &PageCtx) -> AppResult<Markup> {
    let now = now_ms();
    let bookings = queries::list_for_student(state, &student.id, now).await?;
    Ok(views::bookings_panel(ctx, &bookings, now))
}

/// `GET /bookings`: every booking of the student with its status.
pub async fn my_bookings(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
    session: Session,
) -> AppResult<Response> {
    let notice = flash::take(&session).await?;
    let panel = panel(&state, &user, &ctx).await?;
    Ok(respond(&ctx, ctx.t("booking.my_title"), views::my_bookings_page(&ctx, notice, panel)))
}

/// `POST /bookings` (`slot_id`): 422 for a missing or malformed id, 409 with the reason when the
/// slot cannot be booked.
pub async fn book(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
    session: Session,
    Form(form): Form<BookForm>,
) -> AppResult<Response> {
    let slot = form.validate().map_err(|key| AppError::Invalid(ctx.lang.t(key).to_owned()))?;
    actions::book(&state.db, &user.id, &slot, ctx.lang).await?;
    after_change(&state, &user, &ctx, &session, Notice::Booked).await
}

/// `POST /bookings/{booking_id}/cancel`: before the slot starts only (409 after).
pub async fn cancel(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
    session: Session,
    Path(booking_id): Path<String>,
) -> AppResult<Response> {
    actions::cancel(&state, &user.id, &booking_id, ctx.lang).await?;
    after_change(&state, &user, &ctx, &session, Notice::Cancelled).await
}

/// htmx: the refreshed part of the page the request came from, with a toast. Otherwise: a
/// redirect to "My bookings", which shows the notice once.
async fn after_change(
    state: &AppState,
    user: &User,
    ctx: &PageCtx,
    session: &Session,
    notice: Notice,
) -> AppResult<Response> {
    if !ctx.htmx {
        flash::set(session, notice).await?;
        return Ok(Redirect::to("/bookings").into_response());
    }
    let fragment = if ctx.hx_target.as_deref() == Some(views::PANEL_ID) {
        panel(state, user, ctx).await?
    } else {
        journey(state, user, ctx).await?
    };
    Ok(respond(ctx, "", views::with_toast(fragment, ctx.lang.t(notice.message_key()))))
}
