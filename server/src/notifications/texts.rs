//! The words of each notice, in the recipient's language: plain text for the feed and the text
//! part of emails, maud (escaped) for the HTML part.

use maud::{DOCTYPE, Markup, html};
use sqlx::AnyConnection;

use super::routing::Template;
use crate::events::{Event, Payload};
use crate::i18n::Lang;
use crate::views::components::datetime;

/// What the texts may mention, gathered once per event.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// Exam title.
    pub exam: String,
    /// Student's name.
    pub student: String,
    /// Slot start, formatted (UTC).
    pub when: String,
    /// Score "s / m".
    pub score: String,
    /// Anomaly severity.
    pub severity: String,
    /// Anomaly kind or alert message.
    pub detail: String,
    /// Cancellation reason (stored code).
    pub reason: String,
    /// What the admin who cancelled a booking wrote to the student (kept in the booking).
    pub note: String,
    /// Exam id (links).
    pub exam_id: String,
    /// Attempt id (links).
    pub attempt_id: String,
    /// Monitoring session (links of anomaly notices).
    pub session_id: String,
}

fn hundredths(n: i64) -> String {
    if n % 100 == 0 { (n / 100).to_string() } else { format!("{}.{:02}", n / 100, (n % 100).abs()) }
}

/// What a payload says that a text may mention ("" / `None` where it says nothing of it).
#[derive(Default)]
struct Said<'a> {
    booking_id: &'a str,
    exam_id: &'a str,
    exam_title: &'a str,
    student_id: &'a str,
    attempt_id: &'a str,
    session_id: &'a str,
    starts_at: Option<i64>,
    score: (i64, i64),
    severity: &'a str,
    detail: &'a str,
    reason: &'a str,
}

fn said(payload: &Payload) -> Said<'_> {
    match payload {
        Payload::ExamScheduled(p) => Said {
            exam_id: &p.exam_id,
            exam_title: &p.exam_title,
            student_id: &p.student_id,
            starts_at: Some(p.starts_at),
            ..Said::default()
        },
        Payload::ExamReminder(p) => Said {
            exam_id: &p.exam_id,
            exam_title: &p.exam_title,
            student_id: &p.student_id,
            starts_at: Some(p.starts_at),
            ..Said::default()
        },
        Payload::ExamCancelled(p) => Said {
            booking_id: &p.booking_id,
            exam_id: &p.exam_id,
            student_id: &p.student_id,
            reason: &p.reason,
            ..Said::default()
        },
        Payload::ExamSubmitted(p) => Said {
            exam_id: &p.exam_id,
            student_id: &p.student_id,
            attempt_id: &p.attempt_id,
            reason: &p.reason,
            starts_at: Some(p.submitted_at),
            ..Said::default()
        },
        Payload::ManualReviewRequired(p) => {
            Said { exam_id: &p.exam_id, student_id: &p.student_id, attempt_id: &p.attempt_id, ..Said::default() }
        }
        Payload::GradingCompleted(p) => Said {
            exam_id: &p.exam_id,
            student_id: &p.student_id,
            attempt_id: &p.attempt_id,
            score: (p.score_hundredths, p.max_score_hundredths),
            ..Said::default()
        },
        Payload::ResultsReleased(p) => Said { exam_id: &p.exam_id, exam_title: &p.exam_title, ..Said::default() },
        Payload::MonitoringStarted(p) => Said {
            exam_id: &p.exam_id,
            student_id: &p.student_id,
            attempt_id: &p.attempt_id,
            session_id: &p.session_id,
            ..Said::default()
        },
        Payload::MonitoringStopped(p) => Said {
            exam_id: &p.exam_id,
            student_id: &p.student_id,
            attempt_id: &p.attempt_id,
            session_id: &p.session_id,
            reason: &p.reason,
            ..Said::default()
        },
        Payload::AnomalyDetected(p) => Said {
            exam_id: &p.exam_id,
            student_id: &p.student_id,
            attempt_id: &p.attempt_id,
            session_id: &p.session_id,
            severity: &p.severity,
            detail: &p.anomaly_type,
            ..Said::default()
        },
        Payload::HighRiskAlert(p) => Said {
            exam_id: &p.exam_id,
            student_id: &p.student_id,
            attempt_id: &p.attempt_id,
            session_id: &p.session_id,
            detail: &p.message,
            ..Said::default()
        },
    }
}

impl Facts {
    /// Reads the payload and looks up names (exam title, student name) on the event's transaction.
    pub async fn gather(conn: &mut AnyConnection, event: &Event) -> sqlx::Result<Facts> {
        let p = said(&event.payload);
        let mut exam = p.exam_title.to_owned();
        if exam.is_empty() && !p.exam_id.is_empty() {
            exam = crate::exams::queries::title_on(conn, p.exam_id).await?.unwrap_or_default();
        }
        let student = if p.student_id.is_empty() {
            String::new()
        } else {
            crate::accounts::queries::name_on(conn, p.student_id).await?.unwrap_or_default()
        };
        // An admin's message to the student stays with the booking (the event carries only the code).
        let note = if p.reason == "cancelled_by_admin" && !p.booking_id.is_empty() {
            crate::bookings::queries::cancel_note_on(conn, p.booking_id).await?.unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Facts {
            exam,
            student,
            note,
            when: p.starts_at.map(datetime).unwrap_or_default(),
            score: format!("{} / {}", hundredths(p.score.0), hundredths(p.score.1)),
            severity: p.severity.to_uppercase(),
            detail: p.detail.to_owned(),
            reason: p.reason.to_owned(),
            attempt_id: p.attempt_id.to_owned(),
            session_id: p.session_id.to_owned(),
            exam_id: p.exam_id.to_owned(),
        })
    }
}

fn keys(template: Template) -> (&'static str, &'static str) {
    match template {
        Template::BookedStudent => ("notify.booked_student.title", "notify.booked_student.body"),
        Template::BookedTeacher => ("notify.booked_teacher.title", "notify.booked_teacher.body"),
        Template::CancelledStudent => ("notify.cancelled_student.title", "notify.cancelled_student.body"),
        Template::CancelledTeacher => ("notify.cancelled_teacher.title", "notify.cancelled_teacher.body"),
        Template::Reminder => ("notify.reminder.title", "notify.reminder.body"),
        Template::Submitted => ("notify.submitted.title", "notify.submitted.body"),
        Template::ResultReady => ("notify.result_ready.title", "notify.result_ready.body"),
        Template::CopyGraded => ("notify.copy_graded.title", "notify.copy_graded.body"),
        Template::ReviewRequired => ("notify.review.title", "notify.review.body"),
        Template::Anomaly => ("notify.anomaly.title", "notify.anomaly.body"),
        Template::HighRisk => ("notify.high_risk.title", "notify.high_risk.body"),
    }
}

fn reason_key(code: &str) -> &'static str {
    match code {
        "cancelled_by_student" => "notify.reason.student",
        "slot_removed" => "notify.reason.slot_removed",
        "exam_unpublished" => "notify.reason.unpublished",
        "exam_deleted" => "notify.reason.deleted",
        "cancelled_by_admin" => "notify.reason.admin",
        _ => "notify.reason.other",
    }
}

/// A notice rendered for one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// Title (also the email subject).
    pub title: String,
    /// Body, plain text.
    pub body: String,
    /// Site-relative link, if any.
    pub link: Option<String>,
}

/// Renders a template in `lang`.
pub fn render(template: Template, lang: Lang, f: &Facts) -> Rendered {
    let (title_key, body_key) = keys(template);
    let exam = if f.exam.is_empty() { lang.t("notify.an_exam").to_owned() } else { f.exam.clone() };
    let student = if f.student.is_empty() { lang.t("notify.a_student").to_owned() } else { f.student.clone() };
    let reason = if f.note.is_empty() {
        lang.t(reason_key(&f.reason)).to_owned()
    } else {
        lang.tf("notify.reason.admin_note", &[("note", &f.note)])
    };
    let args = [
        ("exam", exam.as_str()),
        ("student", student.as_str()),
        ("when", f.when.as_str()),
        ("score", f.score.as_str()),
        ("severity", f.severity.as_str()),
        ("detail", f.detail.as_str()),
        ("reason", reason.as_str()),
    ];
    let link = match template {
        Template::BookedStudent | Template::CancelledStudent | Template::Reminder => Some("/bookings".to_owned()),
        Template::BookedTeacher | Template::CancelledTeacher => Some(format!("/exams/{}", f.exam_id)),
        Template::ResultReady | Template::Submitted => Some(format!("/attempts/{}/result", f.attempt_id)),
        Template::CopyGraded | Template::ReviewRequired => {
            Some(format!("/exams/{}/results/{}", f.exam_id, f.attempt_id))
        }
        // The session's page when the event names it (monitoring events do), else the panel.
        Template::Anomaly | Template::HighRisk if !f.session_id.is_empty() => {
            Some(format!("/proctor/sessions/{}", f.session_id))
        }
        Template::Anomaly | Template::HighRisk => Some("/proctor".to_owned()),
    };
    Rendered { title: lang.tf(title_key, &args), body: lang.tf(body_key, &args), link }
}

/// The plain-text part of an email.
pub fn email_text(lang: Lang, n: &Rendered, public_url: &str) -> String {
    let mut text = format!("{}\n\n{}\n", n.title, n.body);
    if let Some(link) = &n.link {
        text.push_str(&format!("\n{} {}{}\n", lang.t("notify.email.open"), public_url, link));
    }
    text.push_str(&format!("\n-- \nProctorWise · {}\n", lang.t("notify.email.footer")));
    text
}

/// The HTML part of an email (every value escaped by maud).
pub fn email_html(lang: Lang, n: &Rendered, public_url: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head { meta charset="utf-8"; title { (n.title) } }
            body {
                h1 { (n.title) }
                p { (n.body) }
                @if let Some(link) = &n.link {
                    p { a href={(public_url) (link)} { (lang.t("notify.email.open")) } }
                }
                hr;
                p { small { "ProctorWise · " (lang.t("notify.email.footer")) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        // The context's own texts (run alone, no other test installs them).
        crate::i18n::install(&[super::super::messages::MESSAGES]);
        Facts {
            exam: "Physics <b>".into(),
            student: "Ada".into(),
            when: "2030-01-01 10:00 UTC".into(),
            score: "7 / 8".into(),
            exam_id: "x".into(),
            attempt_id: "a".into(),
            reason: "slot_removed".into(),
            ..Facts::default()
        }
    }

    #[test]
    fn texts_follow_the_language() {
        let en = render(Template::BookedStudent, Lang::En, &facts());
        let fr = render(Template::BookedStudent, Lang::Fr, &facts());
        assert!(en.title.contains("Physics <b>"), "{en:?}");
        assert!(en.body.contains("2030-01-01 10:00 UTC"));
        assert_ne!(en.title, fr.title);
        assert!(fr.body.contains("Physics <b>"));
        let cancelled = render(Template::CancelledStudent, Lang::En, &facts());
        assert!(cancelled.body.contains("slot was removed"), "{cancelled:?}");
    }

    #[test]
    fn html_escapes_user_data() {
        let n = render(Template::ResultReady, Lang::En, &facts());
        let html = email_html(Lang::En, &n, "https://pw.example").into_string();
        assert!(html.contains("Physics &lt;b&gt;"));
        assert!(!html.contains("Physics <b>"));
        assert!(html.contains("https://pw.example/attempts/a/result"));
        let text = email_text(Lang::En, &n, "https://pw.example");
        assert!(text.contains("Physics <b>") && text.contains("https://pw.example/attempts/a/result"));
    }

    #[test]
    fn scores_in_hundredths() {
        assert_eq!(hundredths(750), "7.50");
        assert_eq!(hundredths(800), "8");
    }
}
