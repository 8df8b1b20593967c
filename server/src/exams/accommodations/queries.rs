//! SQL of accommodations: extra time for one student on one exam.

use sqlx::FromRow;

use crate::db::{Db, now_ms};
use crate::exams::model::Accommodation;

/// Grants (or replaces) extra time for a student on an exam.
pub async fn upsert_accommodation(db: &Db, a: &Accommodation) -> sqlx::Result<()> {
    let mut tx = db.pool().begin().await?;
    sqlx::query("DELETE FROM accommodations WHERE exam_id = ? AND student_id = ?")
        .bind(&a.exam_id)
        .bind(&a.student_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO accommodations (exam_id, student_id, extra_minutes, extra_percent, note, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&a.exam_id)
    .bind(&a.student_id)
    .bind(a.extra_minutes)
    .bind(a.extra_percent)
    .bind(&a.note)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Removes a student's extra time.
pub async fn delete_accommodation(db: &Db, exam_id: &str, student_id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM accommodations WHERE exam_id = ? AND student_id = ?")
        .bind(exam_id)
        .bind(student_id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() > 0)
}

#[derive(FromRow)]
struct AccommodationRow {
    exam_id: String,
    student_id: String,
    extra_minutes: i64,
    extra_percent: i64,
    note: String,
}

impl From<AccommodationRow> for Accommodation {
    fn from(r: AccommodationRow) -> Self {
        Accommodation {
            exam_id: r.exam_id,
            student_id: r.student_id,
            extra_minutes: r.extra_minutes,
            extra_percent: r.extra_percent,
            note: r.note,
        }
    }
}

/// The accommodation of one student on one exam, if any.
pub async fn get_accommodation(db: &Db, exam_id: &str, student_id: &str) -> sqlx::Result<Option<Accommodation>> {
    let row: Option<AccommodationRow> = sqlx::query_as(
        "SELECT exam_id, student_id, extra_minutes, extra_percent, note FROM accommodations WHERE exam_id = ? AND student_id = ?",
    )
    .bind(exam_id)
    .bind(student_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(Accommodation::from))
}

/// Every accommodation of an exam with the student's name and email, by name.
pub async fn list_accommodations(db: &Db, exam_id: &str) -> sqlx::Result<Vec<(Accommodation, String, String)>> {
    let rows: Vec<AccommodationRow> = sqlx::query_as(
        "SELECT exam_id, student_id, extra_minutes, extra_percent, note FROM accommodations WHERE exam_id = ?",
    )
    .bind(exam_id)
    .fetch_all(db.pool())
    .await?;
    let students: Vec<&str> = rows.iter().map(|r| r.student_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &students).await?;
    let mut list: Vec<(Accommodation, String, String)> = rows
        .into_iter()
        .map(|r| {
            let (name, email) = names.get(&r.student_id).cloned().unwrap_or_default();
            (Accommodation::from(r), name, email)
        })
        .collect();
    list.sort_by_cached_key(|(_, name, _)| name.to_lowercase());
    Ok(list)
}
