//! The transactional outbox.

use sqlx::AnyConnection;

use super::event::Payload;
use crate::db::{new_id, now_ms};

/// The event types, one Kafka topic each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// A student booked a slot.
    ExamScheduled,
    /// A booking was cancelled (by the student, or with its slot or exam).
    ExamCancelled,
    /// A booked slot is near: remind the student.
    ExamReminder,
    /// An attempt was submitted (by the student or at the deadline).
    ExamSubmitted,
    /// Every answer of an attempt has a score.
    GradingCompleted,
    /// An attempt has answers only a teacher can grade.
    ManualReviewRequired,
    /// A teacher released an exam's results (graded attempts become visible).
    ResultsReleased,
    /// Webcam monitoring of an attempt began.
    MonitoringStarted,
    /// Webcam monitoring of an attempt ended (submission, deadline, proctor, vanished browser).
    MonitoringStopped,
    /// The monitoring pipeline stored an anomaly.
    AnomalyDetected,
    /// Several critical anomalies within a minute in one session.
    HighRiskAlert,
}

impl EventType {
    /// Topic / type name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ExamScheduled => "exam_scheduled",
            EventType::ExamCancelled => "exam_cancelled",
            EventType::ExamReminder => "exam_reminder",
            EventType::ExamSubmitted => "exam_submitted",
            EventType::GradingCompleted => "grading_completed",
            EventType::ManualReviewRequired => "manual_review_required",
            EventType::ResultsReleased => "results_released",
            EventType::MonitoringStarted => "monitoring_started",
            EventType::MonitoringStopped => "monitoring_stopped",
            EventType::AnomalyDetected => "anomaly_detected",
            EventType::HighRiskAlert => "high_risk_alert",
        }
    }
}

/// Writes one event into the outbox on `conn` (a transaction of the caller); returns its id.
/// The payload's type decides the event type and version.
pub async fn record(conn: &mut AnyConnection, aggregate_id: &str, payload: impl Into<Payload>) -> sqlx::Result<String> {
    let id = new_id();
    let payload: Payload = payload.into();
    let (event_type, version) = (payload.event_type(), payload.version());
    let payload = serde_json::to_string(&payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO outbox (id, event_type, version, occurred_at, aggregate_id, payload, attempts) \
         VALUES (?, ?, ?, ?, ?, ?, 0)",
    )
    .bind(&id)
    .bind(event_type.as_str())
    .bind(version)
    .bind(now_ms())
    .bind(aggregate_id)
    .bind(payload)
    .execute(conn)
    .await?;
    Ok(id)
}

/// An outbox row, as tests and the relay read it.
#[derive(Debug, sqlx::FromRow)]
pub struct OutboxRow {
    /// Event id.
    pub id: String,
    /// Event type.
    pub event_type: String,
    /// Payload schema version.
    pub version: i64,
    /// Aggregate (booking, attempt…) the event is about.
    pub aggregate_id: String,
    /// JSON payload.
    #[sqlx(try_from = "crate::db::DbText")]
    pub payload: String,
}

/// Every event of a type, oldest first.
pub async fn list_of_type(db: &crate::db::Db, event_type: EventType) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as(
        "SELECT id, event_type, version, aggregate_id, payload FROM outbox WHERE event_type = ? ORDER BY occurred_at, id",
    )
    .bind(event_type.as_str())
    .fetch_all(db.pool())
    .await
}
