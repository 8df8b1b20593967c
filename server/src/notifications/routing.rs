//! Who hears about which event, through which kind of notice. Pure: the handler resolves the
//! audiences to accounts and renders the texts.

use serde_json::Value;

use crate::events::EventEnvelope;

/// A preference category: what a user can switch on or off, per channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// A booking was made (student: confirmation; teacher: new registration).
    ExamScheduled,
    /// A booking was cancelled.
    ExamCancelled,
    /// The student's results can be read.
    Results,
    /// The teacher learns that a copy is fully graded.
    CopyGraded,
    /// Essays wait for the teacher.
    ManualReview,
    /// A high-severity anomaly during a session.
    Anomaly,
    /// A critical anomaly or a high-risk alert.
    CriticalAlert,
}

impl Category {
    /// Every category, in the order of the preferences page.
    pub const ALL: [Category; 7] = [
        Category::ExamScheduled,
        Category::ExamCancelled,
        Category::Results,
        Category::CopyGraded,
        Category::ManualReview,
        Category::Anomaly,
        Category::CriticalAlert,
    ];

    /// Stored form (`notifications.event_type`, `notification_preferences.event_type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ExamScheduled => "exam_scheduled",
            Category::ExamCancelled => "exam_cancelled",
            Category::Results => "results",
            Category::CopyGraded => "copy_graded",
            Category::ManualReview => "manual_review_required",
            Category::Anomaly => "anomaly",
            Category::CriticalAlert => "critical_alert",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Channels when the user saved no preference: in-app always; email for what a person
    /// must not miss, not for the noisy notices (graded copies, ordinary anomalies).
    pub fn default_email(self) -> bool {
        !matches!(self, Category::CopyGraded | Category::Anomaly)
    }

    /// i18n key of the category's name on the preferences page.
    pub fn label_key(self) -> &'static str {
        match self {
            Category::ExamScheduled => "notify.cat.exam_scheduled",
            Category::ExamCancelled => "notify.cat.exam_cancelled",
            Category::Results => "notify.cat.results",
            Category::CopyGraded => "notify.cat.copy_graded",
            Category::ManualReview => "notify.cat.manual_review",
            Category::Anomaly => "notify.cat.anomaly",
            Category::CriticalAlert => "notify.cat.critical_alert",
        }
    }
}

/// Which text a recipient gets (one title and one body key each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    /// Student: your booking is confirmed.
    BookedStudent,
    /// Teacher: a student booked your exam.
    BookedTeacher,
    /// Student: your booking was cancelled.
    CancelledStudent,
    /// Teacher: a booking of your exam was cancelled.
    CancelledTeacher,
    /// Student: your result is available.
    ResultReady,
    /// Teacher: a copy is fully graded.
    CopyGraded,
    /// Teacher: essays wait for grading.
    ReviewRequired,
    /// Proctor/admin: an anomaly was detected.
    Anomaly,
    /// Proctor/admin: high-risk alert.
    HighRisk,
}

/// Who receives a notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Audience {
    /// One account (from the payload).
    User(String),
    /// The proctors of an exam; every active proctor while no proctor is assigned.
    ExamProctors(String),
    /// Every active admin.
    Admins,
}

/// One notice to deliver: to whom, in which category, with which text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Recipients.
    pub audience: Audience,
    /// Preference category.
    pub category: Category,
    /// Text.
    pub template: Template,
}

/// Event types this context reacts to.
pub const HANDLED: &[&str] = &[
    "exam_scheduled",
    "exam_cancelled",
    "grading_completed",
    "results_released",
    "manual_review_required",
    "anomaly_detected",
    "high_risk_alert",
];

fn field(payload: &Value, name: &str) -> Option<String> {
    payload.get(name).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn to(audience: Audience, category: Category, template: Template) -> Delivery {
    Delivery { audience, category, template }
}

/// The notices an event produces (empty for events nobody needs to hear about).
pub fn route(event: &EventEnvelope) -> Vec<Delivery> {
    let p = &event.payload;
    let user = |name: &str| field(p, name).map(Audience::User);
    let mut out = Vec::new();
    match event.event_type.as_str() {
        "exam_scheduled" => {
            out.extend(user("student_id").map(|a| to(a, Category::ExamScheduled, Template::BookedStudent)));
            out.extend(user("teacher_id").map(|a| to(a, Category::ExamScheduled, Template::BookedTeacher)));
        }
        "exam_cancelled" => {
            out.extend(user("student_id").map(|a| to(a, Category::ExamCancelled, Template::CancelledStudent)));
            out.extend(user("teacher_id").map(|a| to(a, Category::ExamCancelled, Template::CancelledTeacher)));
        }
        "grading_completed" => {
            if p.get("results_released").and_then(Value::as_bool) == Some(true) {
                out.extend(user("student_id").map(|a| to(a, Category::Results, Template::ResultReady)));
            }
            out.extend(user("teacher_id").map(|a| to(a, Category::CopyGraded, Template::CopyGraded)));
        }
        "results_released" => {
            // One notice per graded attempt listed in the payload (see `released_students`).
            for (_, student) in released_attempts(p) {
                out.push(to(Audience::User(student), Category::Results, Template::ResultReady));
            }
        }
        "manual_review_required" => {
            out.extend(user("teacher_id").map(|a| to(a, Category::ManualReview, Template::ReviewRequired)));
        }
        "anomaly_detected" => {
            let severity = field(p, "severity").unwrap_or_default().to_ascii_lowercase();
            let critical = severity == "critical";
            if let Some(exam) = field(p, "exam_id").filter(|_| critical || severity == "high") {
                let category = if critical { Category::CriticalAlert } else { Category::Anomaly };
                out.push(to(Audience::ExamProctors(exam), category, Template::Anomaly));
                if critical {
                    out.push(to(Audience::Admins, category, Template::Anomaly));
                }
            }
        }
        "high_risk_alert" => {
            if let Some(exam) = field(p, "exam_id") {
                out.push(to(Audience::ExamProctors(exam), Category::CriticalAlert, Template::HighRisk));
                out.push(to(Audience::Admins, Category::CriticalAlert, Template::HighRisk));
            }
        }
        _ => {}
    }
    out
}

/// `(attempt_id, student_id)` pairs of a `results_released` payload.
pub fn released_attempts(payload: &Value) -> Vec<(String, String)> {
    payload
        .get("attempts")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(|a| Some((field(a, "attempt_id")?, field(a, "student_id")?))).collect())
        .unwrap_or_default()
}

/// Key of the alert-storm limit: one email per (recipient, session) per window. Sessions are
/// attempts; events without an attempt fall back to the exam.
pub fn storm_key(event: &EventEnvelope) -> Option<String> {
    if !matches!(event.event_type.as_str(), "anomaly_detected" | "high_risk_alert") {
        return None;
    }
    let p = &event.payload;
    field(p, "attempt_id")
        .or_else(|| field(p, "session_id"))
        .map(|s| format!("session:{s}"))
        .or_else(|| field(p, "exam_id").map(|e| format!("exam:{e}")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn env(event_type: &str, payload: Value) -> EventEnvelope {
        EventEnvelope {
            id: "e".into(),
            event_type: event_type.into(),
            version: 1,
            occurred_at: 0,
            aggregate_id: "a".into(),
            payload,
        }
    }

    fn user(id: &str) -> Audience {
        Audience::User(id.into())
    }

    #[test]
    fn bookings_and_cancellations_reach_student_and_teacher() {
        let p = json!({"student_id": "s", "teacher_id": "t", "exam_id": "x"});
        let got = route(&env("exam_scheduled", p.clone()));
        assert_eq!(
            got,
            vec![
                to(user("s"), Category::ExamScheduled, Template::BookedStudent),
                to(user("t"), Category::ExamScheduled, Template::BookedTeacher),
            ]
        );
        let got = route(&env("exam_cancelled", p));
        assert_eq!(
            got,
            vec![
                to(user("s"), Category::ExamCancelled, Template::CancelledStudent),
                to(user("t"), Category::ExamCancelled, Template::CancelledTeacher),
            ]
        );
    }

    #[test]
    fn grading_tells_the_student_only_once_released() {
        let released = json!({"student_id": "s", "teacher_id": "t", "results_released": true});
        assert_eq!(
            route(&env("grading_completed", released)),
            vec![
                to(user("s"), Category::Results, Template::ResultReady),
                to(user("t"), Category::CopyGraded, Template::CopyGraded),
            ]
        );
        let held = json!({"student_id": "s", "teacher_id": "t", "results_released": false});
        assert_eq!(
            route(&env("grading_completed", held)),
            vec![to(user("t"), Category::CopyGraded, Template::CopyGraded)]
        );
        let release = json!({"exam_id": "x", "attempts": [{"attempt_id": "a1", "student_id": "s1"}, {"attempt_id": "a2", "student_id": "s2"}]});
        assert_eq!(
            route(&env("results_released", release)),
            vec![
                to(user("s1"), Category::Results, Template::ResultReady),
                to(user("s2"), Category::Results, Template::ResultReady),
            ]
        );
    }

    #[test]
    fn review_goes_to_the_teacher() {
        let p = json!({"student_id": "s", "teacher_id": "t"});
        assert_eq!(
            route(&env("manual_review_required", p)),
            vec![to(user("t"), Category::ManualReview, Template::ReviewRequired)]
        );
    }

    #[test]
    fn anomalies_by_severity() {
        for low in ["low", "medium", ""] {
            assert!(route(&env("anomaly_detected", json!({"exam_id": "x", "severity": low}))).is_empty());
        }
        let high = route(&env("anomaly_detected", json!({"exam_id": "x", "severity": "high"})));
        assert_eq!(high, vec![to(Audience::ExamProctors("x".into()), Category::Anomaly, Template::Anomaly)]);
        let critical = route(&env("anomaly_detected", json!({"exam_id": "x", "severity": "CRITICAL"})));
        assert_eq!(
            critical,
            vec![
                to(Audience::ExamProctors("x".into()), Category::CriticalAlert, Template::Anomaly),
                to(Audience::Admins, Category::CriticalAlert, Template::Anomaly),
            ]
        );
        let alert = route(&env("high_risk_alert", json!({"exam_id": "x"})));
        assert_eq!(
            alert,
            vec![
                to(Audience::ExamProctors("x".into()), Category::CriticalAlert, Template::HighRisk),
                to(Audience::Admins, Category::CriticalAlert, Template::HighRisk),
            ]
        );
    }

    #[test]
    fn nobody_hears_of_submissions_and_every_handled_type_is_listed() {
        assert!(route(&env("exam_submitted", json!({"student_id": "s"}))).is_empty());
        assert!(!HANDLED.contains(&"exam_submitted"));
    }

    #[test]
    fn storm_key_prefers_the_session() {
        let a = env("anomaly_detected", json!({"exam_id": "x", "attempt_id": "a"}));
        assert_eq!(storm_key(&a).as_deref(), Some("session:a"));
        let b = env("high_risk_alert", json!({"exam_id": "x"}));
        assert_eq!(storm_key(&b).as_deref(), Some("exam:x"));
        assert_eq!(storm_key(&env("exam_scheduled", json!({"exam_id": "x"}))), None);
    }

    #[test]
    fn email_defaults() {
        assert!(Category::ExamScheduled.default_email());
        assert!(Category::CriticalAlert.default_email());
        assert!(!Category::Anomaly.default_email());
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
    }
}
