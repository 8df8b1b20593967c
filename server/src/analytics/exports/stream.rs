//! Streamed CSV exports (submissions, anomalies): the rows are read page by page with a keyset
//! cursor and each page is encoded and sent before the next is read, so an export of any size
//! holds one page in memory.

use axum::body::Body;
use bytes::Bytes;
use futures_util::stream::{self, Stream};

use super::csv::{BOM, write_safe};
use crate::analytics::anomaly_source::{self, AnomalyRow};
use crate::analytics::fmt;
use crate::analytics::platform::queries::{self, SubmissionFilter, SubmissionRow};
use crate::analytics::reports::stats;
use crate::db::Db;

/// Rows read per page.
pub const PAGE: i64 = 1000;

/// Encodes rows as CSV bytes (every cell through [`super::csv::safe_cell`]).
fn encode<R: IntoIterator<Item = Vec<String>>>(rows: R) -> std::io::Result<Bytes> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::with_capacity(64 * 1024));
    for row in rows {
        write_safe(&mut w, row).map_err(std::io::Error::other)?;
    }
    w.into_inner().map(Bytes::from).map_err(|e| std::io::Error::other(e.to_string()))
}

/// Header of the submissions export.
pub const SUBMISSION_HEADER: [&str; 12] = [
    "attempt_id",
    "submitted_at",
    "student",
    "email",
    "exam",
    "teacher",
    "grading_status",
    "score",
    "max_score",
    "percent",
    "passed",
    "submitted_by",
];

fn submission_record(r: SubmissionRow) -> Vec<String> {
    vec![
        r.attempt_id,
        fmt::iso(r.submitted_at),
        r.student_name,
        r.student_email,
        r.exam_title,
        r.teacher_name,
        r.grading_status,
        r.score_hundredths.map_or(String::new(), |s| format!("{:.2}", s as f64 / 100.0)),
        format!("{:.2}", r.max_score_hundredths as f64 / 100.0),
        r.score_hundredths.map_or(String::new(), |s| format!("{:.1}", stats::percent(s, r.max_score_hundredths))),
        r.passed.map_or(String::new(), |p| p.to_string()),
        r.submit_reason.unwrap_or_default(),
    ]
}

enum Cursor<K> {
    Start,
    After(K),
    Done,
}

/// The submissions export as a stream of CSV chunks.
pub fn submissions(db: Db, filter: SubmissionFilter) -> impl Stream<Item = std::io::Result<Bytes>> + Send {
    stream::unfold(Cursor::Start, move |cursor| {
        let (db, filter) = (db.clone(), filter.clone());
        async move {
            let after = match cursor {
                Cursor::Done => return None,
                Cursor::Start => {
                    let mut head = BOM.to_vec();
                    let header = encode([SUBMISSION_HEADER.iter().map(|s| (*s).to_owned()).collect()]);
                    return Some(match header {
                        Ok(h) => {
                            head.extend_from_slice(&h);
                            (Ok(Bytes::from(head)), Cursor::After((filter.from - 1, String::new())))
                        }
                        Err(e) => (Err(e), Cursor::Done),
                    });
                }
                Cursor::After(after) => after,
            };
            let rows = match queries::submissions_page(&db, &filter, &after, PAGE).await {
                Ok(rows) => rows,
                Err(e) => return Some((Err(std::io::Error::other(e)), Cursor::Done)),
            };
            if rows.is_empty() {
                return None;
            }
            let next = rows.last().map(|r| (r.submitted_at, r.attempt_id.clone()));
            let full = rows.len() as i64 == PAGE;
            let chunk = encode(rows.into_iter().map(submission_record));
            Some((
                chunk,
                match next {
                    Some(n) if full => Cursor::After(n),
                    _ => Cursor::Done,
                },
            ))
        }
    })
}

/// Header of the anomalies export.
pub const ANOMALY_HEADER: [&str; 9] =
    ["anomaly_id", "detected_at", "type", "severity", "student", "exam", "attempt_id", "review", "verification"];

fn anomaly_record(a: AnomalyRow) -> Vec<String> {
    vec![
        a.id,
        fmt::iso(a.detected_at),
        a.kind,
        a.severity,
        a.student_name,
        a.exam_title,
        a.attempt_id,
        a.review,
        a.verification,
    ]
}

/// The anomalies export as a stream of CSV chunks (rows come from [`anomaly_source`]).
pub fn anomalies(db: Db, from: i64, to: i64) -> impl Stream<Item = std::io::Result<Bytes>> + Send {
    stream::unfold(Cursor::Start, move |cursor| {
        let db = db.clone();
        async move {
            let after = match cursor {
                Cursor::Done => return None,
                Cursor::Start => {
                    let mut head = BOM.to_vec();
                    return Some(match encode([ANOMALY_HEADER.iter().map(|s| (*s).to_owned()).collect()]) {
                        Ok(h) => {
                            head.extend_from_slice(&h);
                            (Ok(Bytes::from(head)), Cursor::After(None))
                        }
                        Err(e) => (Err(e), Cursor::Done),
                    });
                }
                Cursor::After(after) => after,
            };
            let rows = match anomaly_source::page(&db, from, to, after, PAGE).await {
                Ok(rows) => rows,
                Err(e) => return Some((Err(std::io::Error::other(e)), Cursor::Done)),
            };
            if rows.is_empty() {
                return None;
            }
            let next = rows.last().map(|r| (r.detected_at, r.id.clone()));
            let full = rows.len() as i64 == PAGE;
            let chunk = encode(rows.into_iter().map(anomaly_record));
            Some((chunk, if full { Cursor::After(next) } else { Cursor::Done }))
        }
    })
}

/// A response body from a CSV stream.
pub fn body<S: Stream<Item = std::io::Result<Bytes>> + Send + 'static>(s: S) -> Body {
    Body::from_stream(s)
}
