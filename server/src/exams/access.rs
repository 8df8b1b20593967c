//! Who may manage an exam: its teacher, or an admin. Anyone else gets a 404, as if it did not exist.

use crate::accounts::model::{Role, User};
use crate::app::AppState;
use crate::db::is_id;
use crate::error::{AppError, AppResult};
use crate::exams::model::Exam;
use crate::exams::queries;

/// The exam if `user` may manage it (deleted exams included, for their results).
pub async fn managed_exam(state: &AppState, user: &User, exam_id: &str) -> AppResult<Exam> {
    if !is_id(exam_id) {
        return Err(AppError::NotFound);
    }
    let exam = queries::get_exam_any(&state.db, exam_id).await?.ok_or(AppError::NotFound)?;
    if user.role == Role::Admin || exam.teacher_id == user.id { Ok(exam) } else { Err(AppError::NotFound) }
}
