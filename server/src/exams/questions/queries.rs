//! SQL of questions. Deleting a question keeps its row (answers may point at it) and closes the
//! gap in the positions.

use sqlx::{AnyConnection, FromRow};

use crate::db::{Db, DbText, new_id, now_ms};
use crate::exams::points::Points;
use crate::exams::questions::{AnswerKey, Question, QuestionDraft, QuestionKind};

#[derive(FromRow)]
struct QuestionRow {
    id: String,
    exam_id: String,
    position: i64,
    kind: String,
    #[sqlx(try_from = "DbText")]
    prompt: String,
    #[sqlx(try_from = "DbText")]
    options: String,
    #[sqlx(try_from = "DbText")]
    answer_key: String,
    points_hundredths: i64,
    partial_credit: i64,
}

impl QuestionRow {
    fn into_question(self) -> Option<Question> {
        let kind = QuestionKind::parse(&self.kind)?;
        Some(Question {
            key: AnswerKey::from_json(kind, &self.answer_key)?,
            options: serde_json::from_str(&self.options).unwrap_or_default(),
            id: self.id,
            exam_id: self.exam_id,
            position: self.position,
            kind,
            prompt: self.prompt,
            points: Points(self.points_hundredths),
            partial_credit: self.partial_credit != 0,
        })
    }
}

const COLUMNS: &str = "id, exam_id, position, kind, prompt, options, answer_key, points_hundredths, partial_credit";

/// The live questions of an exam, in order.
pub async fn list_for_exam(db: &Db, exam_id: &str) -> sqlx::Result<Vec<Question>> {
    let sql = format!("SELECT {COLUMNS} FROM questions WHERE exam_id = ? AND deleted_at IS NULL ORDER BY position");
    let rows: Vec<QuestionRow> = sqlx::query_as(&sql).bind(exam_id).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().filter_map(QuestionRow::into_question).collect())
}

/// Questions by id, deleted ones included (grading an attempt taken before a deletion).
pub async fn list_by_ids(db: &Db, exam_id: &str) -> sqlx::Result<Vec<Question>> {
    let mut conn = db.pool().acquire().await?;
    list_by_ids_on(&mut conn, exam_id).await
}

/// Like [`list_by_ids`], on the caller's connection (inside its transaction).
pub async fn list_by_ids_on(conn: &mut AnyConnection, exam_id: &str) -> sqlx::Result<Vec<Question>> {
    let sql = format!("SELECT {COLUMNS} FROM questions WHERE exam_id = ? ORDER BY position");
    let rows: Vec<QuestionRow> = sqlx::query_as(&sql).bind(exam_id).fetch_all(conn).await?;
    Ok(rows.into_iter().filter_map(QuestionRow::into_question).collect())
}

/// One live question of an exam.
pub async fn get(db: &Db, exam_id: &str, question_id: &str) -> sqlx::Result<Option<Question>> {
    let sql = format!("SELECT {COLUMNS} FROM questions WHERE id = ? AND exam_id = ? AND deleted_at IS NULL");
    let row: Option<QuestionRow> =
        sqlx::query_as(&sql).bind(question_id).bind(exam_id).fetch_optional(db.pool()).await?;
    Ok(row.and_then(QuestionRow::into_question))
}

async fn next_position(conn: &mut AnyConnection, exam_id: &str) -> sqlx::Result<i64> {
    let max: Option<i64> =
        sqlx::query_scalar("SELECT MAX(position) FROM questions WHERE exam_id = ? AND deleted_at IS NULL")
            .bind(exam_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(max.unwrap_or(0) + 1)
}

async fn insert_on(conn: &mut AnyConnection, exam_id: &str, d: &QuestionDraft) -> sqlx::Result<String> {
    let id = new_id();
    let position = next_position(conn, exam_id).await?;
    let now = now_ms();
    sqlx::query(
        "INSERT INTO questions (id, exam_id, position, kind, prompt, options, answer_key, points_hundredths, partial_credit, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(exam_id)
    .bind(position)
    .bind(d.kind.as_str())
    .bind(&d.prompt)
    .bind(serde_json::to_string(&d.options).unwrap_or_else(|_| "[]".into()))
    .bind(d.key.to_json())
    .bind(d.points.0)
    .bind(i64::from(d.partial_credit))
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Appends a question; returns its id.
pub async fn insert(db: &Db, exam_id: &str, draft: &QuestionDraft) -> sqlx::Result<String> {
    let mut conn = db.pool().acquire().await?;
    insert_on(&mut conn, exam_id, draft).await
}

/// Appends many questions in one transaction: all or nothing.
pub async fn insert_all(db: &Db, exam_id: &str, drafts: &[QuestionDraft]) -> sqlx::Result<Vec<String>> {
    let mut tx = db.pool().begin().await?;
    let mut ids = Vec::with_capacity(drafts.len());
    for d in drafts {
        ids.push(insert_on(&mut tx, exam_id, d).await?);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Replaces a question's content; returns whether its key changed (regrading is then offered).
pub async fn update(db: &Db, exam_id: &str, question_id: &str, d: &QuestionDraft) -> sqlx::Result<bool> {
    let before = get(db, exam_id, question_id).await?.ok_or(sqlx::Error::RowNotFound)?;
    sqlx::query(
        "UPDATE questions SET kind = ?, prompt = ?, options = ?, answer_key = ?, points_hundredths = ?, partial_credit = ?, updated_at = ? \
         WHERE id = ? AND exam_id = ?",
    )
    .bind(d.kind.as_str())
    .bind(&d.prompt)
    .bind(serde_json::to_string(&d.options).unwrap_or_else(|_| "[]".into()))
    .bind(d.key.to_json())
    .bind(d.points.0)
    .bind(i64::from(d.partial_credit))
    .bind(now_ms())
    .bind(question_id)
    .bind(exam_id)
    .execute(db.pool())
    .await?;
    Ok(before.key != d.key
        || before.points != d.points
        || before.partial_credit != d.partial_credit
        || before.kind != d.kind
        || before.options.len() != d.options.len())
}

/// The position of a live question of an exam, read inside the caller's transaction.
async fn live_position(conn: &mut AnyConnection, exam_id: &str, question_id: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT position FROM questions WHERE id = ? AND exam_id = ? AND deleted_at IS NULL")
        .bind(question_id)
        .bind(exam_id)
        .fetch_optional(conn)
        .await
}

/// Deletes a question (soft) and renumbers the ones after it.
pub async fn delete(db: &Db, exam_id: &str, question_id: &str) -> sqlx::Result<bool> {
    let mut tx = db.pool().begin().await?;
    let Some(position) = live_position(&mut tx, exam_id, question_id).await? else { return Ok(false) };
    sqlx::query("UPDATE questions SET deleted_at = ?, position = 0 WHERE id = ?")
        .bind(now_ms())
        .bind(question_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE questions SET position = position - 1 WHERE exam_id = ? AND deleted_at IS NULL AND position > ?",
    )
    .bind(exam_id)
    .bind(position)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Moves a question one place up (`-1`) or down (`+1`); false at the ends.
pub async fn shift(db: &Db, exam_id: &str, question_id: &str, delta: i64) -> sqlx::Result<bool> {
    let mut tx = db.pool().begin().await?;
    let Some(position) = live_position(&mut tx, exam_id, question_id).await? else { return Ok(false) };
    let target = position + delta;
    let other: Option<String> =
        sqlx::query_scalar("SELECT id FROM questions WHERE exam_id = ? AND deleted_at IS NULL AND position = ?")
            .bind(exam_id)
            .bind(target)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(other) = other else { return Ok(false) };
    for (id, pos) in [(&other, position), (&question_id.to_owned(), target)] {
        sqlx::query("UPDATE questions SET position = ? WHERE id = ?").bind(pos).bind(id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A question as reports list it: no options, no answer key.
#[derive(Clone, Debug, FromRow)]
pub struct QuestionSummary {
    /// Question.
    pub id: String,
    /// Position (1-based).
    pub position: i64,
    /// `mcq`, `true_false`, `short_answer` or `essay`.
    pub kind: String,
    /// Prompt.
    #[sqlx(try_from = "DbText")]
    pub prompt: String,
    /// Full marks, hundredths.
    pub points_hundredths: i64,
    /// When deleted (deleted questions keep their row).
    pub deleted_at: Option<i64>,
}

const SUMMARY_COLUMNS: &str = "id, position, kind, prompt, points_hundredths, deleted_at";

/// The live questions of an exam plus its deleted ones listed in `answered` (those some attempt
/// answered): live ones first, then by position and id.
pub async fn live_and_answered(db: &Db, exam_id: &str, answered: &[&str]) -> sqlx::Result<Vec<QuestionSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM questions WHERE exam_id = ? ORDER BY deleted_at IS NULL DESC, position, id"
    );
    let rows: Vec<QuestionSummary> = sqlx::query_as(&sql).bind(exam_id).fetch_all(db.pool()).await?;
    let answered: std::collections::HashSet<&str> = answered.iter().copied().collect();
    Ok(rows.into_iter().filter(|q| q.deleted_at.is_none() || answered.contains(q.id.as_str())).collect())
}

/// These questions (deleted ones included), by id.
pub async fn summaries(db: &Db, ids: &[&str]) -> sqlx::Result<std::collections::HashMap<String, QuestionSummary>> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM questions WHERE id IN ({{ids}})");
    let rows: Vec<QuestionSummary> = crate::db::fetch_by_ids(db, &sql, ids).await?;
    Ok(rows.into_iter().map(|q| (q.id.clone(), q)).collect())
}
