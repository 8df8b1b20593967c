//! Home pages: real data where this release has it, a plain "later release" notice elsewhere.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::accounts::extract::{Authed, MaybeUser, StudentOnly, TeacherOrAdmin};
use crate::app::AppState;
use crate::error::AppResult;
use crate::exams::handlers as exam_handlers;
use crate::exams::views as exam_views;
use crate::views::respond;
use crate::web::PageCtx;

/// `GET /`: the caller's home, or the login page.
pub async fn root(MaybeUser(user): MaybeUser) -> Response {
    match &user {
        Some(user) => Redirect::to(user.role.home_path()).into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

/// `GET /student`: my current bookings above the catalogue of bookable slots.
pub async fn student_home(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<StudentOnly>,
    ctx: PageCtx,
) -> AppResult<Response> {
    let body = crate::bookings::journey(&state, &user, &ctx).await?;
    Ok(respond(&ctx, ctx.t("student.title"), body))
}

/// `GET /teacher`: the exam editor's list (a teacher's own exams; every exam for an admin).
pub async fn teacher_home(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
) -> AppResult<Response> {
    let (exams, all) = exam_handlers::editor_exams(&state.db, &user).await?;
    let body = html! {
        section aria-labelledby="mine-title" {
            h2 #mine-title { (ctx.t(if all { "editor.all_exams" } else { "teacher.my_exams" })) }
            (exam_views::editor_list(&ctx, &exams, all))
        }
    };
    Ok(respond(&ctx, ctx.t("teacher.title"), body))
}
