//! SQL of the exams context: exams, slots and accommodations. Questions are in
//! `question_queries`.

use std::collections::HashMap;

use sqlx::{AnyConnection, FromRow};

use super::model::{Exam, ExamSettings, ExamStatus, ExamSummary, NewExam, ReleaseMode, Slot};
use crate::db::{Db, DbText, new_id, now_ms};

/// Inserts an exam; returns its id.
pub async fn insert_exam(db: &Db, exam: &NewExam) -> sqlx::Result<String> {
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO exams (id, teacher_id, title, description, duration_minutes, status, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&exam.teacher_id)
    .bind(&exam.title)
    .bind(&exam.description)
    .bind(exam.duration_minutes)
    .bind(exam.status.as_str())
    .bind(now)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(id)
}

/// Creates a draft exam with full settings; returns its id.
pub async fn create_exam(db: &Db, teacher_id: &str, s: &ExamSettings) -> sqlx::Result<String> {
    let id = insert_exam(
        db,
        &NewExam {
            teacher_id: teacher_id.to_owned(),
            title: s.title.clone(),
            description: s.description.clone(),
            duration_minutes: s.duration_minutes,
            status: ExamStatus::Draft,
        },
    )
    .await?;
    update_settings(db, &id, s).await?;
    Ok(id)
}

/// Replaces an exam's settings.
pub async fn update_settings(db: &Db, exam_id: &str, s: &ExamSettings) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exams SET title = ?, description = ?, duration_minutes = ?, pass_mark_percent = ?, \
         shuffle_questions = ?, shuffle_options = ?, release_mode = ?, updated_at = ? WHERE id = ?",
    )
    .bind(&s.title)
    .bind(&s.description)
    .bind(s.duration_minutes)
    .bind(s.pass_mark_percent)
    .bind(i64::from(s.shuffle_questions))
    .bind(i64::from(s.shuffle_options))
    .bind(s.release_mode.as_str())
    .bind(now_ms())
    .bind(exam_id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Publishes, unpublishes or soft-deletes an exam.
pub async fn set_status(db: &Db, exam_id: &str, status: ExamStatus) -> sqlx::Result<()> {
    sqlx::query("UPDATE exams SET status = ?, updated_at = ? WHERE id = ?")
        .bind(status.as_str())
        .bind(now_ms())
        .bind(exam_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct ExamRow {
    id: String,
    teacher_id: String,
    title: String,
    #[sqlx(try_from = "DbText")]
    description: String,
    duration_minutes: i64,
    status: String,
    pass_mark_percent: i64,
    shuffle_questions: i64,
    shuffle_options: i64,
    release_mode: String,
    results_released_at: Option<i64>,
    created_at: i64,
}

impl From<ExamRow> for Exam {
    fn from(r: ExamRow) -> Self {
        Exam {
            id: r.id,
            teacher_id: r.teacher_id,
            title: r.title,
            description: r.description,
            duration_minutes: r.duration_minutes,
            status: ExamStatus::parse(&r.status).unwrap_or(ExamStatus::Draft),
            pass_mark_percent: r.pass_mark_percent,
            shuffle_questions: r.shuffle_questions != 0,
            shuffle_options: r.shuffle_options != 0,
            release_mode: ReleaseMode::parse(&r.release_mode).unwrap_or(ReleaseMode::Immediate),
            results_released_at: r.results_released_at,
            created_at: r.created_at,
        }
    }
}

const EXAM_COLUMNS: &str = "id, teacher_id, title, description, duration_minutes, status, pass_mark_percent, \
     shuffle_questions, shuffle_options, release_mode, results_released_at, created_at";

/// An exam that is not deleted.
pub async fn get_exam(db: &Db, exam_id: &str) -> sqlx::Result<Option<Exam>> {
    let sql = format!("SELECT {EXAM_COLUMNS} FROM exams WHERE id = ? AND status <> 'deleted'");
    let row: Option<ExamRow> = sqlx::query_as(&sql).bind(exam_id).fetch_optional(db.pool()).await?;
    Ok(row.map(Exam::from))
}

/// Every exam that is not deleted (admin view), newest first.
pub async fn list_all(db: &Db) -> sqlx::Result<Vec<Exam>> {
    let sql = format!("SELECT {EXAM_COLUMNS} FROM exams WHERE status <> 'deleted' ORDER BY created_at DESC");
    let rows: Vec<ExamRow> = sqlx::query_as(&sql).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(Exam::from).collect())
}

/// Adds a slot; its end is computed here from the exam's duration, never taken from a client.
pub async fn insert_slot(db: &Db, exam_id: &str, starts_at: i64, capacity: i64) -> sqlx::Result<String> {
    let id = new_id();
    let duration: i64 = sqlx::query_scalar("SELECT duration_minutes FROM exams WHERE id = ?")
        .bind(exam_id)
        .fetch_one(db.pool())
        .await?;
    sqlx::query(
        "INSERT INTO exam_slots (id, exam_id, starts_at, ends_at, capacity, booked, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
    )
    .bind(&id)
    .bind(exam_id)
    .bind(starts_at)
    .bind(starts_at + duration * 60_000)
    .bind(capacity)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(id)
}

/// Keeps slot ends equal to start + duration after the duration changed.
pub async fn recompute_slot_ends(db: &Db, exam_id: &str, duration_minutes: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE exam_slots SET ends_at = starts_at + ? WHERE exam_id = ?")
        .bind(duration_minutes * 60_000)
        .bind(exam_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct SlotRow {
    id: String,
    exam_id: String,
    starts_at: i64,
    ends_at: i64,
    capacity: i64,
    booked: i64,
    cancelled_at: Option<i64>,
}

impl From<SlotRow> for Slot {
    fn from(r: SlotRow) -> Self {
        Slot {
            id: r.id,
            exam_id: r.exam_id,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            capacity: r.capacity,
            booked: r.booked,
            cancelled_at: r.cancelled_at,
        }
    }
}

const SLOT_COLUMNS: &str = "id, exam_id, starts_at, ends_at, capacity, booked, cancelled_at";

/// The slots of an exam that were not removed, by start time.
pub async fn list_slots(db: &Db, exam_id: &str) -> sqlx::Result<Vec<Slot>> {
    let sql =
        format!("SELECT {SLOT_COLUMNS} FROM exam_slots WHERE exam_id = ? AND cancelled_at IS NULL ORDER BY starts_at");
    let rows: Vec<SlotRow> = sqlx::query_as(&sql).bind(exam_id).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(Slot::from).collect())
}

/// One slot (removed ones included: bookings keep pointing at them).
pub async fn get_slot(db: &Db, slot_id: &str) -> sqlx::Result<Option<Slot>> {
    let sql = format!("SELECT {SLOT_COLUMNS} FROM exam_slots WHERE id = ?");
    let row: Option<SlotRow> = sqlx::query_as(&sql).bind(slot_id).fetch_optional(db.pool()).await?;
    Ok(row.map(Slot::from))
}

/// These slots (removed ones included), by id, on the caller's connection.
pub async fn slots_on(conn: &mut AnyConnection, ids: &[&str]) -> sqlx::Result<HashMap<String, Slot>> {
    let sql = format!("SELECT {SLOT_COLUMNS} FROM exam_slots WHERE id IN ({{ids}})");
    let rows: Vec<SlotRow> = crate::db::fetch_by_ids_on(conn, &sql, ids).await?;
    Ok(rows.into_iter().map(|r| (r.id.clone(), Slot::from(r))).collect())
}

/// Like [`slots_on`], on a connection of the pool.
pub async fn slots(db: &Db, ids: &[&str]) -> sqlx::Result<HashMap<String, Slot>> {
    let mut conn = db.pool().acquire().await?;
    slots_on(&mut conn, ids).await
}

/// The slots open for booking at `now` (published exam, not removed, not started), soonest
/// first, then by exam title, with their exams.
pub async fn bookable(db: &Db, now: i64) -> sqlx::Result<(Vec<Slot>, HashMap<String, Exam>)> {
    let sql = format!(
        "SELECT {} FROM exam_slots s JOIN exams e ON e.id = s.exam_id \
         WHERE e.status = 'published' AND s.cancelled_at IS NULL AND s.starts_at > ? ORDER BY s.starts_at, e.title, s.id",
        SLOT_COLUMNS.split(", ").map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ")
    );
    let rows: Vec<SlotRow> = sqlx::query_as(&sql).bind(now).fetch_all(db.pool()).await?;
    let slots: Vec<Slot> = rows.into_iter().map(Slot::from).collect();
    let ids: Vec<&str> = slots.iter().map(|s| s.exam_id.as_str()).collect();
    let exams = get_many(db, &ids).await?;
    Ok((slots, exams))
}

/// The slots (not removed) starting in `(from, to]`, soonest first.
pub async fn slots_starting_between(db: &Db, from: i64, to: i64) -> sqlx::Result<Vec<Slot>> {
    let sql = format!(
        "SELECT {SLOT_COLUMNS} FROM exam_slots WHERE starts_at > ? AND starts_at <= ? AND cancelled_at IS NULL ORDER BY starts_at, id"
    );
    let rows: Vec<SlotRow> = sqlx::query_as(&sql).bind(from).bind(to).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(Slot::from).collect())
}

/// Marks a slot removed, inside the caller's transaction.
pub async fn cancel_slot(conn: &mut AnyConnection, slot_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE exam_slots SET cancelled_at = ?, booked = 0 WHERE id = ?")
        .bind(now_ms())
        .bind(slot_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes one seat if any is left (atomic on both backends); false when the slot is full.
pub async fn take_seat(conn: &mut AnyConnection, slot_id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_slots SET booked = booked + 1 WHERE id = ? AND cancelled_at IS NULL AND booked < capacity",
    )
    .bind(slot_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a seat back.
pub async fn release_seat(conn: &mut AnyConnection, slot_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE exam_slots SET booked = booked - 1 WHERE id = ? AND booked > 0")
        .bind(slot_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct SummaryRow {
    id: String,
    title: String,
    duration_minutes: i64,
    status: String,
    teacher_id: String,
    upcoming_slots: i64,
    next_slot_at: Option<i64>,
}

const SUMMARY: &str = "SELECT e.id, e.title, e.duration_minutes, e.status, e.teacher_id, \
     CAST(COUNT(s.id) AS SIGNED) AS upcoming_slots, MIN(s.starts_at) AS next_slot_at \
     FROM exams e \
     LEFT JOIN exam_slots s ON s.exam_id = e.id AND s.starts_at > ? AND s.cancelled_at IS NULL";

/// The summaries with their teachers' names (the accounts own them).
async fn summaries(db: &Db, rows: Vec<SummaryRow>) -> sqlx::Result<Vec<ExamSummary>> {
    let teachers: Vec<&str> = rows.iter().map(|r| r.teacher_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &teachers).await?;
    Ok(rows
        .into_iter()
        .map(|r| ExamSummary {
            teacher_name: names.get(&r.teacher_id).map(|(name, _)| name.clone()).unwrap_or_default(),
            id: r.id,
            title: r.title,
            duration_minutes: r.duration_minutes,
            status: ExamStatus::parse(&r.status).unwrap_or(ExamStatus::Draft),
            upcoming_slots: r.upcoming_slots,
            next_slot_at: r.next_slot_at,
        })
        .collect())
}

/// A teacher's exams (not deleted), newest first.
pub async fn list_for_teacher(db: &Db, teacher_id: &str) -> sqlx::Result<Vec<ExamSummary>> {
    let sql = format!(
        "{SUMMARY} WHERE e.teacher_id = ? AND e.status <> 'deleted' \
         GROUP BY e.id, e.title, e.duration_minutes, e.status, e.teacher_id, e.created_at ORDER BY e.created_at DESC"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql).bind(now_ms()).bind(teacher_id).fetch_all(db.pool()).await?;
    summaries(db, rows).await
}

/// Every exam that is not deleted, with its teacher's name, newest first (admin's list).
pub async fn list_all_summaries(db: &Db) -> sqlx::Result<Vec<ExamSummary>> {
    let sql = format!(
        "{SUMMARY} WHERE e.status <> 'deleted' \
         GROUP BY e.id, e.title, e.duration_minutes, e.status, e.teacher_id, e.created_at ORDER BY e.created_at DESC"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql).bind(now_ms()).fetch_all(db.pool()).await?;
    summaries(db, rows).await
}

/// Published exams that have at least one slot still to come, soonest first.
pub async fn catalogue(db: &Db) -> sqlx::Result<Vec<ExamSummary>> {
    let sql = format!(
        "{SUMMARY} WHERE e.status = 'published' \
         GROUP BY e.id, e.title, e.duration_minutes, e.status, e.teacher_id HAVING COUNT(s.id) > 0 \
         ORDER BY next_slot_at, e.title"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql).bind(now_ms()).fetch_all(db.pool()).await?;
    summaries(db, rows).await
}

/// Number of exams with a given status.
pub async fn count_with_status(db: &Db, status: ExamStatus) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM exams WHERE status = ?").bind(status.as_str()).fetch_one(db.pool()).await
}

/// Marks an exam's results released at `now`, on the caller's transaction (grading releases them
/// with its event); false when they already were.
pub async fn mark_results_released(conn: &mut AnyConnection, exam_id: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exams SET results_released_at = ?, updated_at = ? WHERE id = ? AND results_released_at IS NULL",
    )
    .bind(now)
    .bind(now)
    .bind(exam_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An exam even if deleted (grading and results of attempts taken before the deletion).
pub async fn get_exam_any(db: &Db, exam_id: &str) -> sqlx::Result<Option<Exam>> {
    let mut conn = db.pool().acquire().await?;
    get_exam_on(&mut conn, exam_id).await
}

/// Like [`get_exam_any`], on the caller's connection (inside its transaction).
pub async fn get_exam_on(conn: &mut AnyConnection, exam_id: &str) -> sqlx::Result<Option<Exam>> {
    let sql = format!("SELECT {EXAM_COLUMNS} FROM exams WHERE id = ?");
    let row: Option<ExamRow> = sqlx::query_as(&sql).bind(exam_id).fetch_optional(conn).await?;
    Ok(row.map(Exam::from))
}

/// An exam's title, deleted exams included, on the caller's connection.
pub async fn title_on(conn: &mut AnyConnection, exam_id: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT title FROM exams WHERE id = ?").bind(exam_id).fetch_optional(conn).await
}

/// The titles of these exams (deleted ones included), by id, for other contexts' pages.
pub async fn titles(db: &Db, ids: &[&str]) -> sqlx::Result<HashMap<String, String>> {
    let rows: Vec<(String, String)> =
        crate::db::fetch_by_ids(db, "SELECT id, title FROM exams WHERE id IN ({ids})", ids).await?;
    Ok(rows.into_iter().collect())
}

/// (id, title) of up to `limit` exams that are not deleted, by title.
pub async fn live_titles(db: &Db, limit: i64) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT id, title FROM exams WHERE status <> 'deleted' ORDER BY title LIMIT ?")
        .bind(limit)
        .fetch_all(db.pool())
        .await
}

/// These exams (deleted ones included), by id, for other contexts' pages.
pub async fn get_many(db: &Db, ids: &[&str]) -> sqlx::Result<HashMap<String, Exam>> {
    let sql = format!("SELECT {EXAM_COLUMNS} FROM exams WHERE id IN ({{ids}})");
    let rows: Vec<ExamRow> = crate::db::fetch_by_ids(db, &sql, ids).await?;
    Ok(rows.into_iter().map(|r| (r.id.clone(), Exam::from(r))).collect())
}

/// The ids of a teacher's exams, deleted ones included (their attempts still count).
pub async fn ids_of_teacher(db: &Db, teacher_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT id FROM exams WHERE teacher_id = ? ORDER BY id")
        .bind(teacher_id)
        .fetch_all(db.pool())
        .await
}

/// Up to `limit` exams (deleted ones included) whose title contains `q` (case-insensitive), a
/// teacher's own only when `teacher_id` is set; last updated first, ties by id.
pub async fn search_by_title(db: &Db, q: &str, teacher_id: Option<&str>, limit: i64) -> sqlx::Result<Vec<Exam>> {
    let pattern = format!("%{}%", q.trim().to_lowercase().replace('!', "!!").replace('%', "!%").replace('_', "!_"));
    let sql = format!(
        "SELECT {EXAM_COLUMNS} FROM exams WHERE LOWER(title) LIKE ? ESCAPE '!' AND (? IS NULL OR teacher_id = ?) \
         ORDER BY updated_at DESC, id LIMIT ?"
    );
    let rows: Vec<ExamRow> =
        sqlx::query_as(&sql).bind(pattern).bind(teacher_id).bind(teacher_id).bind(limit).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(Exam::from).collect())
}
