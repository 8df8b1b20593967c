//! Regrading after a teacher changed a question's key or points: every submitted answer to the
//! question gets its automatic score again, and graded attempts get their total, maximum and
//! pass/fail again, in one transaction.

use super::rules::{auto_score, passes};
use crate::accounts::extract::{Authed, TeacherOrAdmin};
use crate::app::AppState;
use crate::attempts::grades;
use crate::db::{Db, is_id};
use crate::error::{AppError, AppResult};
use crate::exams::access::owned_exam;
use crate::exams::points::Points;
use crate::exams::queries as exams;
use crate::exams::questions::QuestionKind;
use crate::exams::questions::queries as question_queries;
use crate::views::components::notice;
use crate::views::layout::respond;
use crate::web::PageCtx;
use axum::extract::{Path, State};
use axum::response::Response as Page;
use maud::html;

/// `POST /exams/{exam_id}/questions/{question_id}/regrade`: the editor offered it after the
/// key or the points of an answered question changed.
pub async fn regrade(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    ctx: PageCtx,
    Path((exam_id, question_id)): Path<(String, String)>,
) -> AppResult<Page> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    if !is_id(&question_id) {
        return Err(AppError::NotFound);
    }
    let question = question_queries::get(&state.db, &exam.id, &question_id).await?.ok_or(AppError::NotFound)?;
    let n = regrade_question(&state.db, &exam.id, &question.id).await?;
    tracing::info!(user = %user.id, question_id = %question.id, attempts = n, "question regraded");
    let body = html! {
        (notice("success", &ctx.lang.tf("editor.question.regraded", &[("n", &n.to_string())])))
        p { a.button href={"/exams/" (exam.id) "#questions"} { (ctx.t("editor.back_to_exam")) } }
    };
    Ok(respond(&ctx, ctx.t("editor.question.regrade_title"), body))
}

/// Recomputes the automatic score of every submitted answer to `question_id` of `exam_id` and
/// the totals of the graded attempts they belong to; returns the number of attempts touched.
/// Essays are skipped: their scores are the teacher's.
pub async fn regrade_question(db: &Db, exam_id: &str, question_id: &str) -> sqlx::Result<usize> {
    let Some(exam) = exams::get_exam(db, exam_id).await? else { return Ok(0) };
    // Deleted questions included: an attempt's maximum counts every question it was given.
    let questions = question_queries::list_by_ids(db, exam_id).await?;
    let Some(question) = questions.iter().find(|q| q.id == question_id) else { return Ok(0) };
    if question.kind == QuestionKind::Essay {
        return Ok(0);
    }
    let mut tx = db.pool().begin().await?;
    let mut touched = 0;
    for copy in grades::answers_to(&mut tx, exam_id, question_id).await? {
        let Some(score) = auto_score(question, copy.response.as_ref()) else { continue };
        grades::set_answer_score(&mut tx, &copy.attempt_id, question_id, score.0).await?;
        if copy.graded {
            let (_, total) = grades::tally(&mut tx, &copy.attempt_id).await?;
            // The maximum follows the points of the questions the attempt was given (a points
            // change moves it); an order the attempts context wrote differently keeps the stored one.
            let max = Some(&copy.question_order)
                .filter(|ids| !ids.is_empty())
                .map(|ids| Points(questions.iter().filter(|q| ids.contains(&q.id)).map(|q| q.points.0).sum()))
                .unwrap_or(Points(copy.max_score_hundredths));
            let passed = passes(Points(total), max, exam.pass_mark_percent);
            grades::set_totals(&mut tx, &copy.attempt_id, total, max.0, passed).await?;
        }
        touched += 1;
    }
    tx.commit().await?;
    Ok(touched)
}
