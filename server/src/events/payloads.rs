//! The payload of every event type, one type each: producers build these, consumers read them
//! (through [`super::Event`]). Ids are UUID strings, times UTC milliseconds, scores hundredths of
//! a point. Changing a field means a new version: a new type, listed in [`super::CATALOGUE`].

use super::payload::{event, record};

record! {
    /// A student booked a slot.
    pub struct ExamScheduled {
        /// The booking (the aggregate).
        pub booking_id: String,
        /// The exam.
        pub exam_id: String,
        /// The exam's title when booked.
        pub exam_title: String,
        /// The slot booked.
        pub slot_id: String,
        /// Who booked.
        pub student_id: String,
        /// The exam's teacher.
        pub teacher_id: String,
        /// Slot start.
        pub starts_at: i64,
        /// Slot end.
        pub ends_at: i64,
    }
}
event!(ExamScheduled, version 1, "booking", "");

record! {
    /// A booking was cancelled (by the student, an admin, or with its slot or exam).
    pub struct ExamCancelled {
        /// The booking (the aggregate).
        pub booking_id: String,
        /// The exam.
        pub exam_id: String,
        /// The slot.
        pub slot_id: String,
        /// The student whose booking it was.
        pub student_id: String,
        /// The exam's teacher.
        pub teacher_id: String,
        /// Why (stored code).
        pub reason: String,
        /// Who cancelled (an account id).
        pub cancelled_by: String,
    }
}
event!(
    ExamCancelled,
    version 1,
    "booking",
    "`reason`: `cancelled_by_student`, `slot_removed`, `exam_unpublished`, `exam_deleted`, `cancelled_by_admin` (the message the admin wrote to the student stays in the booking, not in the event)"
);

record! {
    /// A booked slot is near: the student is reminded (once per booking and lead time).
    pub struct ExamReminder {
        /// The booking (the aggregate).
        pub booking_id: String,
        /// The exam.
        pub exam_id: String,
        /// The exam's title.
        pub exam_title: String,
        /// The student.
        pub student_id: String,
        /// Slot start.
        pub starts_at: i64,
        /// How long before the start this reminder is due, in minutes.
        pub lead_minutes: i64,
    }
}
event!(ExamReminder, version 1, "booking", "`lead_minutes`: the reminder's lead time (by default 1440 and 60)");

record! {
    /// An attempt was submitted (by the student, at the deadline, or by a proctor).
    pub struct ExamSubmitted {
        /// The attempt (the aggregate).
        pub attempt_id: String,
        /// Its booking.
        pub booking_id: String,
        /// The exam.
        pub exam_id: String,
        /// The student.
        pub student_id: String,
        /// Who or what submitted it.
        pub reason: String,
        /// When.
        pub submitted_at: i64,
        /// Questions with a non-blank answer.
        pub answered: i64,
        /// Questions of the attempt.
        pub questions: i64,
    }
}
event!(ExamSubmitted, version 1, "attempt", "`reason`: `student`, `deadline`, `proctor`");

record! {
    /// An attempt has answers only a teacher can grade.
    pub struct ManualReviewRequired {
        /// The attempt (the aggregate).
        pub attempt_id: String,
        /// The exam.
        pub exam_id: String,
        /// The student.
        pub student_id: String,
        /// The exam's teacher, who grades.
        pub teacher_id: String,
        /// Answers waiting for a score.
        pub pending_answers: i64,
    }
}
event!(ManualReviewRequired, version 1, "attempt", "");

record! {
    /// Every answer of an attempt has a score.
    pub struct GradingCompleted {
        /// The attempt (the aggregate).
        pub attempt_id: String,
        /// The exam.
        pub exam_id: String,
        /// The student.
        pub student_id: String,
        /// The exam's teacher.
        pub teacher_id: String,
        /// Total score, hundredths of a point.
        pub score_hundredths: i64,
        /// Highest possible score, hundredths of a point.
        pub max_score_hundredths: i64,
        /// Whether the score reaches the pass mark.
        pub passed: bool,
        /// Whether the student may read the result now.
        pub results_released: bool,
    }
}
event!(GradingCompleted, version 1, "attempt", "");

record! {
    /// One attempt whose result a release makes readable.
    pub struct ReleasedAttempt {
        /// The attempt.
        pub attempt_id: String,
        /// Its student.
        pub student_id: String,
    }
}

record! {
    /// A teacher released an exam's results.
    pub struct ResultsReleased {
        /// The exam (the aggregate).
        pub exam_id: String,
        /// Its title.
        pub exam_title: String,
        /// Its teacher.
        pub teacher_id: String,
        /// When.
        pub released_at: i64,
        /// The graded attempts whose students may now read their results.
        pub attempts: Vec<ReleasedAttempt>,
    }
}
event!(ResultsReleased, version 1, "exam", "`attempts`: graded attempts whose students may now read their results");

record! {
    /// Webcam monitoring of an attempt began.
    pub struct MonitoringStarted {
        /// The monitoring session.
        pub session_id: String,
        /// The attempt (the aggregate).
        pub attempt_id: String,
        /// The exam.
        pub exam_id: String,
        /// The student.
        pub student_id: String,
        /// When.
        pub started_at: i64,
    }
}
event!(MonitoringStarted, version 1, "attempt", "");

record! {
    /// Webcam monitoring of an attempt ended.
    pub struct MonitoringStopped {
        /// The monitoring session.
        pub session_id: String,
        /// The attempt (the aggregate).
        pub attempt_id: String,
        /// The exam.
        pub exam_id: String,
        /// The student.
        pub student_id: String,
        /// Why.
        pub reason: String,
        /// The proctor's reason, shown to the student ("" otherwise).
        pub note: String,
        /// When.
        pub stopped_at: i64,
        /// Frames received.
        pub frames: i64,
        /// The session's risk score.
        pub risk_score: i64,
    }
}
event!(
    MonitoringStopped,
    version 1,
    "attempt",
    "`reason`: `submitted`, `deadline`, `proctor`, `abandoned`; `note`: the proctor's reason, shown to the student"
);

record! {
    /// The monitoring pipeline stored an anomaly.
    pub struct AnomalyDetected {
        /// The anomaly.
        pub anomaly_id: String,
        /// The monitoring session.
        pub session_id: String,
        /// The attempt (the aggregate).
        pub attempt_id: String,
        /// The exam.
        pub exam_id: String,
        /// The student.
        pub student_id: String,
        /// What was seen (`no_face`, `multiple_faces`, …).
        pub anomaly_type: String,
        /// How serious.
        pub severity: String,
        /// Who decided.
        pub method: String,
        /// Confidence, per mille.
        pub confidence_permille: i64,
        /// When.
        pub detected_at: i64,
    }
}
event!(
    AnomalyDetected,
    version 1,
    "attempt",
    "`severity`: `low`…`critical`; `method`: `rule`, `client`, `server_verified`"
);

record! {
    /// Several critical anomalies within a window in one session.
    pub struct HighRiskAlert {
        /// The alert (stored as an anomaly).
        pub alert_id: String,
        /// The monitoring session.
        pub session_id: String,
        /// The attempt (the aggregate).
        pub attempt_id: String,
        /// The exam.
        pub exam_id: String,
        /// The student.
        pub student_id: String,
        /// Critical anomalies in the window.
        pub critical_count: i64,
        /// The window's length.
        pub window_seconds: i64,
        /// A sentence for people.
        pub message: String,
        /// When.
        pub detected_at: i64,
    }
}
event!(HighRiskAlert, version 1, "attempt", "");
