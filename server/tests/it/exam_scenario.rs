//! A bookable exam for attempt and grading tests, built through the real services, with a
//! "clock" moved by rewriting the slot times (the rules read the time from the database rows).

use axum::http::StatusCode;
use proctorwise::accounts::model::{Role, User};
use proctorwise::bookings::service as bookings;
use proctorwise::db::now_ms;
use proctorwise::exams::model::{ExamSettings, ExamStatus, ReleaseMode};
use proctorwise::exams::queries;
use proctorwise::exams::questions::QuestionInput;
use proctorwise::exams::questions::queries as question_queries;

use crate::helpers::{Client, TestApp};

/// Markers that only the answer key contains: they must never reach a student.
pub const SECRET_SHORT: &str = "zanzibar-key";
pub const SECRET_GUIDE: &str = "GUIDE-ONLY-FOR-GRADERS";

pub fn questions() -> Vec<QuestionInput> {
    let q = crate::fixtures::question;
    vec![
        q("mcq", "Which numbers are prime?", &["two", "four", "five", "nine"], "1,3", "2"),
        q("true_false", "Water boils at 100 °C at sea level.", &[], "true", "1"),
        q("short_answer", "Type the secret word.", &[], SECRET_SHORT, "1"),
        q("essay", "Argue for fair proctoring.", &[], SECRET_GUIDE, "4"),
    ]
}

pub struct Scenario {
    pub teacher: User,
    pub student: User,
    pub student_client: Client,
    pub exam_id: String,
    pub slot_id: String,
    pub booking_id: String,
}

pub async fn settings(release: ReleaseMode) -> ExamSettings {
    ExamSettings {
        title: "Physics <b>midterm</b>".into(),
        description: "Scenario".into(),
        duration_minutes: 60,
        pass_mark_percent: 50,
        shuffle_questions: false,
        shuffle_options: false,
        release_mode: release,
    }
}

impl Scenario {
    /// A published exam, a slot that opened one minute ago, a student with a booking on it.
    pub async fn new(app: &TestApp, release: ReleaseMode) -> Scenario {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let teacher = app.create_user(Role::Teacher, &format!("t-{tag}@example.test")).await;
        let db = &app.state.db;
        let exam_id = queries::create_exam(db, &teacher.id, &settings(release).await).await.expect("exam");
        let drafts: Vec<_> = questions().iter().map(|q| q.validate().expect("valid")).collect();
        question_queries::insert_all(db, &exam_id, &drafts).await.expect("questions");
        queries::set_status(db, &exam_id, ExamStatus::Published).await.expect("publish");
        let slot_id = queries::insert_slot(db, &exam_id, now_ms() + 3_600_000, 5).await.expect("slot");
        let (student_client, student) = app.login_as(Role::Student).await;
        let booking_id = bookings::book(db, &student.id, &slot_id).await.expect("db").expect("booked");
        let s = Scenario { teacher, student, student_client, exam_id, slot_id, booking_id };
        s.move_slot(app, -60_000).await;
        s
    }

    /// Moves the slot so that it starts `offset_ms` from now (negative: already open).
    pub async fn move_slot(&self, app: &TestApp, offset_ms: i64) {
        let start = now_ms() + offset_ms;
        sqlx::query("UPDATE exam_slots SET starts_at = ?, ends_at = ? WHERE id = ?")
            .bind(start)
            .bind(start + 60 * 60_000)
            .bind(&self.slot_id)
            .execute(app.state.db.pool())
            .await
            .expect("move slot");
    }

    /// Starts through the consent form; returns the attempt id.
    pub async fn start(&self) -> String {
        let res = self
            .student_client
            .post_form(&format!("/bookings/{}/start", self.booking_id), &[("consent", "on"), ("webcam", "granted")])
            .await;
        res.assert_status(StatusCode::SEE_OTHER);
        res.location().trim_start_matches("/attempts/").to_owned()
    }

    /// Answers every question correctly through the question pages (the essay with some text).
    pub async fn answer_all(&self, attempt_id: &str) {
        let c = &self.student_client;
        let base = format!("/attempts/{attempt_id}/q");
        c.post_form(&format!("{base}/1"), &[("choice_present", "1"), ("choice", "0"), ("choice", "2"), ("go", "next")])
            .await
            .assert_status(StatusCode::SEE_OTHER);
        c.post_form(&format!("{base}/2"), &[("truth", "true")]).await.assert_status(StatusCode::SEE_OTHER);
        c.post_form(&format!("{base}/3"), &[("text", "  Zanzibar-KEY ")]).await.assert_status(StatusCode::SEE_OTHER);
        c.post_form(&format!("{base}/4"), &[("text", "Because trust matters.")])
            .await
            .assert_status(StatusCode::SEE_OTHER);
    }
}
