//! Reads of the admins' bookings list: the bookings table filtered, completed with the exams,
//! slots and attempts (`bookings::queries::completed`) and the students' names.

use std::collections::HashMap;

use sqlx::FromRow;

use crate::app::AppState;
use crate::bookings::queries::{StudentBooking, completed};
use crate::db::placeholders;

/// What the list is filtered by (`None`: any).
#[derive(Debug, Default)]
pub struct Filter {
    /// One booking.
    pub booking_id: Option<String>,
    /// The exam.
    pub exam_id: Option<String>,
    /// The slot.
    pub slot_id: Option<String>,
    /// Students whose name or email matched (empty: no student matched).
    pub student_ids: Option<Vec<String>>,
    /// `active` or `cancelled`.
    pub status: Option<&'static str>,
}

/// A booking as the admin sees it.
#[derive(Clone, Debug)]
pub struct AdminBooking {
    /// The booking with its exam, slot and attempt status.
    pub booking: StudentBooking,
    /// The student.
    pub student_id: String,
    /// Their name.
    pub student_name: String,
    /// Their email.
    pub student_email: String,
    /// When it was booked, UTC ms.
    pub created_at: i64,
}

#[derive(FromRow)]
struct Row {
    id: String,
    student_id: String,
    created_at: i64,
}

/// The SQL condition and its values, or `None` when nothing can match.
fn condition(filter: &Filter) -> Option<(String, Vec<&str>)> {
    let mut clauses = vec!["1 = 1".to_owned()];
    let mut binds: Vec<&str> = Vec::new();
    for (clause, value) in
        [("id = ?", &filter.booking_id), ("exam_id = ?", &filter.exam_id), ("slot_id = ?", &filter.slot_id)]
    {
        if let Some(value) = value {
            clauses.push(clause.to_owned());
            binds.push(value);
        }
    }
    if let Some(status) = filter.status {
        clauses.push("status = ?".to_owned());
        binds.push(status);
    }
    if let Some(ids) = &filter.student_ids {
        if ids.is_empty() {
            return None;
        }
        clauses.push(format!("student_id IN ({})", placeholders(ids.len())));
        binds.extend(ids.iter().map(String::as_str));
    }
    Some((clauses.join(" AND "), binds))
}

/// How many bookings `filter` selects.
pub async fn count(state: &AppState, filter: &Filter) -> sqlx::Result<i64> {
    let Some((condition, binds)) = condition(filter) else { return Ok(0) };
    let sql = format!("SELECT COUNT(*) FROM bookings WHERE {condition}");
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for bind in binds {
        query = query.bind(bind);
    }
    query.fetch_one(state.db.pool()).await
}

/// A page of the bookings `filter` selects, newest first.
pub async fn search(state: &AppState, filter: &Filter, limit: i64, offset: i64) -> sqlx::Result<Vec<AdminBooking>> {
    let Some((condition, binds)) = condition(filter) else { return Ok(Vec::new()) };
    let sql = format!(
        "SELECT id, student_id, created_at FROM bookings WHERE {condition} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"
    );
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for bind in binds {
        query = query.bind(bind);
    }
    let rows = query.bind(limit).bind(offset).fetch_all(state.db.pool()).await?;
    complete(state, rows).await
}

/// The students' names and the bookings' exam, slot and attempt, in the rows' order.
async fn complete(state: &AppState, rows: Vec<Row>) -> sqlx::Result<Vec<AdminBooking>> {
    let db = &state.db;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let sql = "SELECT id, exam_id, slot_id, status, cancel_reason, cancel_note FROM bookings WHERE id IN ({ids})";
    let bookings: Vec<StudentBooking> = crate::db::fetch_by_ids(db, sql, &ids).await?;
    let mut bookings: HashMap<String, StudentBooking> =
        completed(state, bookings).await?.into_iter().map(|b| (b.id.clone(), b)).collect();
    let students: Vec<&str> = rows.iter().map(|r| r.student_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &students).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let booking = bookings.remove(&r.id)?;
            let (name, email) = names.get(&r.student_id).cloned().unwrap_or_default();
            Some(AdminBooking {
                booking,
                student_id: r.student_id,
                student_name: name,
                student_email: email,
                created_at: r.created_at,
            })
        })
        .collect())
}

/// One booking, or `None`.
pub async fn get(state: &AppState, booking_id: &str) -> sqlx::Result<Option<AdminBooking>> {
    let filter = Filter { booking_id: Some(booking_id.to_owned()), ..Filter::default() };
    Ok(search(state, &filter, 1, 0).await?.pop())
}
