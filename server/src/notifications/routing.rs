//! Who hears about which event, through which kind of notice. Pure: the handler resolves the
//! audiences to accounts and renders the texts.

use crate::events::{Event, EventType, Payload};

/// A preference category: what a user can switch on or off, per channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// A booking was made (student: confirmation; teacher: new registration).
    ExamScheduled,
    /// A booking was cancelled.
    ExamCancelled,
    /// A booked exam starts soon.
    Reminder,
    /// The student's answers were received (a receipt).
    Submitted,
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
    pub const ALL: [Category; 9] = [
        Category::ExamScheduled,
        Category::ExamCancelled,
        Category::Reminder,
        Category::Submitted,
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
            Category::Reminder => "exam_reminder",
            Category::Submitted => "exam_submitted",
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
            Category::Reminder => "notify.cat.reminder",
            Category::Submitted => "notify.cat.submitted",
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
    /// Student: your exam starts soon.
    Reminder,
    /// Student: your answers were received.
    Submitted,
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
pub const HANDLED: &[EventType] = &[
    EventType::ExamScheduled,
    EventType::ExamCancelled,
    EventType::ExamReminder,
    EventType::ExamSubmitted,
    EventType::GradingCompleted,
    EventType::ResultsReleased,
    EventType::ManualReviewRequired,
    EventType::AnomalyDetected,
    EventType::HighRiskAlert,
];

/// An account named by a payload, when it names one.
fn user(id: &str) -> Option<Audience> {
    (!id.is_empty()).then(|| Audience::User(id.to_owned()))
}

fn to(audience: Audience, category: Category, template: Template) -> Delivery {
    Delivery { audience, category, template }
}

/// The notices an event produces (empty for events nobody needs to hear about).
pub fn route(event: &Event) -> Vec<Delivery> {
    let mut out = Vec::new();
    match &event.payload {
        Payload::ExamScheduled(p) => {
            out.extend(user(&p.student_id).map(|a| to(a, Category::ExamScheduled, Template::BookedStudent)));
            out.extend(user(&p.teacher_id).map(|a| to(a, Category::ExamScheduled, Template::BookedTeacher)));
        }
        Payload::ExamCancelled(p) => {
            out.extend(user(&p.student_id).map(|a| to(a, Category::ExamCancelled, Template::CancelledStudent)));
            out.extend(user(&p.teacher_id).map(|a| to(a, Category::ExamCancelled, Template::CancelledTeacher)));
        }
        Payload::ExamReminder(p) => {
            out.extend(user(&p.student_id).map(|a| to(a, Category::Reminder, Template::Reminder)));
        }
        Payload::GradingCompleted(p) => {
            if p.results_released {
                out.extend(user(&p.student_id).map(|a| to(a, Category::Results, Template::ResultReady)));
            }
            out.extend(user(&p.teacher_id).map(|a| to(a, Category::CopyGraded, Template::CopyGraded)));
        }
        Payload::ResultsReleased(p) => {
            // One notice per graded attempt listed in the payload (see `released_attempt`).
            for released in p.attempts.iter().filter(|a| !a.attempt_id.is_empty()) {
                out.extend(user(&released.student_id).map(|a| to(a, Category::Results, Template::ResultReady)));
            }
        }
        Payload::ManualReviewRequired(p) => {
            out.extend(user(&p.teacher_id).map(|a| to(a, Category::ManualReview, Template::ReviewRequired)));
        }
        Payload::AnomalyDetected(p) => {
            let severity = p.severity.to_ascii_lowercase();
            let critical = severity == "critical";
            if !p.exam_id.is_empty() && (critical || severity == "high") {
                let category = if critical { Category::CriticalAlert } else { Category::Anomaly };
                out.push(to(Audience::ExamProctors(p.exam_id.clone()), category, Template::Anomaly));
                if critical {
                    out.push(to(Audience::Admins, category, Template::Anomaly));
                }
            }
        }
        Payload::HighRiskAlert(p) => {
            if !p.exam_id.is_empty() {
                out.push(to(Audience::ExamProctors(p.exam_id.clone()), Category::CriticalAlert, Template::HighRisk));
                out.push(to(Audience::Admins, Category::CriticalAlert, Template::HighRisk));
            }
        }
        Payload::ExamSubmitted(p) => {
            out.extend(user(&p.student_id).map(|a| to(a, Category::Submitted, Template::Submitted)));
        }
        // Monitoring's start and end are recorded on the session itself (the proctors' panels,
        // the integrity report); the student sees the camera state on the exam page.
        Payload::MonitoringStarted(_) | Payload::MonitoringStopped(_) => {}
    }
    out
}

/// The attempt of `student_id` a `results_released` event lists (its notice links to it).
pub fn released_attempt(event: &Event, student_id: &str) -> Option<String> {
    let Payload::ResultsReleased(p) = &event.payload else { return None };
    p.attempts.iter().find(|a| a.student_id == student_id).map(|a| a.attempt_id.clone())
}

/// Key of the alert-storm limit: one email per (recipient, session) per window. Sessions are
/// attempts; events without an attempt fall back to the exam.
pub fn storm_key(event: &Event) -> Option<String> {
    let (attempt, session, exam) = match &event.payload {
        Payload::AnomalyDetected(p) => (&p.attempt_id, &p.session_id, &p.exam_id),
        Payload::HighRiskAlert(p) => (&p.attempt_id, &p.session_id, &p.exam_id),
        _ => return None,
    };
    [attempt, session]
        .into_iter()
        .find(|id| !id.is_empty())
        .map(|s| format!("session:{s}"))
        .or_else(|| (!exam.is_empty()).then(|| format!("exam:{exam}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::payloads::*;

    fn ev(payload: impl Into<Payload>) -> Event {
        Event { id: "e".into(), occurred_at: 0, aggregate_id: "a".into(), payload: payload.into() }
    }

    fn user(id: &str) -> Audience {
        Audience::User(id.into())
    }

    fn anomaly(severity: &str) -> AnomalyDetected {
        AnomalyDetected { exam_id: "x".into(), severity: severity.into(), ..Default::default() }
    }

    #[test]
    fn bookings_and_cancellations_reach_student_and_teacher() {
        let (s, t, x) = ("s".to_owned(), "t".to_owned(), "x".to_owned());
        let booked =
            ExamScheduled { student_id: s.clone(), teacher_id: t.clone(), exam_id: x.clone(), ..Default::default() };
        assert_eq!(
            route(&ev(booked)),
            vec![
                to(user("s"), Category::ExamScheduled, Template::BookedStudent),
                to(user("t"), Category::ExamScheduled, Template::BookedTeacher),
            ]
        );
        let cancelled = ExamCancelled { student_id: s, teacher_id: t, exam_id: x, ..Default::default() };
        assert_eq!(
            route(&ev(cancelled)),
            vec![
                to(user("s"), Category::ExamCancelled, Template::CancelledStudent),
                to(user("t"), Category::ExamCancelled, Template::CancelledTeacher),
            ]
        );
    }

    #[test]
    fn grading_tells_the_student_only_once_released() {
        let graded = |results_released| GradingCompleted {
            student_id: "s".into(),
            teacher_id: "t".into(),
            results_released,
            ..Default::default()
        };
        assert_eq!(
            route(&ev(graded(true))),
            vec![
                to(user("s"), Category::Results, Template::ResultReady),
                to(user("t"), Category::CopyGraded, Template::CopyGraded),
            ]
        );
        assert_eq!(route(&ev(graded(false))), vec![to(user("t"), Category::CopyGraded, Template::CopyGraded)]);
        let attempt = |a: &str, s: &str| ReleasedAttempt { attempt_id: a.into(), student_id: s.into() };
        let release = ev(ResultsReleased {
            exam_id: "x".into(),
            attempts: vec![attempt("a1", "s1"), attempt("a2", "s2")],
            ..Default::default()
        });
        assert_eq!(
            route(&release),
            vec![
                to(user("s1"), Category::Results, Template::ResultReady),
                to(user("s2"), Category::Results, Template::ResultReady),
            ]
        );
        assert_eq!(released_attempt(&release, "s2").as_deref(), Some("a2"));
        assert_eq!(released_attempt(&release, "s3"), None);
    }

    #[test]
    fn review_goes_to_the_teacher() {
        let review = ManualReviewRequired { student_id: "s".into(), teacher_id: "t".into(), ..Default::default() };
        assert_eq!(route(&ev(review)), vec![to(user("t"), Category::ManualReview, Template::ReviewRequired)]);
    }

    #[test]
    fn anomalies_by_severity() {
        for low in ["low", "medium", ""] {
            assert!(route(&ev(anomaly(low))).is_empty());
        }
        let high = route(&ev(anomaly("high")));
        assert_eq!(high, vec![to(Audience::ExamProctors("x".into()), Category::Anomaly, Template::Anomaly)]);
        let critical = route(&ev(anomaly("CRITICAL")));
        assert_eq!(
            critical,
            vec![
                to(Audience::ExamProctors("x".into()), Category::CriticalAlert, Template::Anomaly),
                to(Audience::Admins, Category::CriticalAlert, Template::Anomaly),
            ]
        );
        let alert = route(&ev(HighRiskAlert { exam_id: "x".into(), ..Default::default() }));
        assert_eq!(
            alert,
            vec![
                to(Audience::ExamProctors("x".into()), Category::CriticalAlert, Template::HighRisk),
                to(Audience::Admins, Category::CriticalAlert, Template::HighRisk),
            ]
        );
    }

    #[test]
    fn the_student_gets_a_receipt_of_a_submission() {
        assert_eq!(
            route(&ev(ExamSubmitted { student_id: "s".into(), ..Default::default() })),
            vec![to(Audience::User("s".into()), Category::Submitted, Template::Submitted)]
        );
        assert!(HANDLED.contains(&EventType::ExamSubmitted));
    }

    #[test]
    fn storm_key_prefers_the_session() {
        let a = AnomalyDetected { attempt_id: "a".into(), ..anomaly("high") };
        assert_eq!(storm_key(&ev(a)).as_deref(), Some("session:a"));
        let b = HighRiskAlert { exam_id: "x".into(), ..Default::default() };
        assert_eq!(storm_key(&ev(b)).as_deref(), Some("exam:x"));
        assert_eq!(storm_key(&ev(ExamScheduled { exam_id: "x".into(), ..Default::default() })), None);
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
