//! Who may manage an exam: admins every exam, a teacher only their own. Someone else's exam is a
//! 404, never a 403 that would reveal it exists.

use super::model::Exam;
use super::queries;
use crate::accounts::model::{Role, User};
use crate::app::AppState;
use crate::db::{Db, is_id};
use crate::error::{AppError, AppResult};

/// Whether `user` may see and change `exam`.
pub fn may_edit(user: &User, exam: &Exam) -> bool {
    user.role == Role::Admin || (user.role == Role::Teacher && exam.teacher_id == user.id)
}

/// The live (not deleted) exam `exam_id` if `user` may edit it, else 404 (malformed ids included).
pub async fn owned_exam(db: &Db, user: &User, exam_id: &str) -> AppResult<Exam> {
    if !is_id(exam_id) {
        return Err(AppError::NotFound);
    }
    let exam = queries::get_exam(db, exam_id).await?.ok_or(AppError::NotFound)?;
    if may_edit(user, &exam) { Ok(exam) } else { Err(AppError::NotFound) }
}

/// Like [`owned_exam`], deleted exams included: their results stay readable.
pub async fn managed_exam(state: &AppState, user: &User, exam_id: &str) -> AppResult<Exam> {
    if !is_id(exam_id) {
        return Err(AppError::NotFound);
    }
    let exam = queries::get_exam_any(&state.db, exam_id).await?.ok_or(AppError::NotFound)?;
    if may_edit(user, &exam) { Ok(exam) } else { Err(AppError::NotFound) }
}
