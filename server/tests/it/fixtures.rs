//! A small world of data owned by nobody the matrix logs in as: an owner teacher's published exam
//! with an open slot and one question of each kind, another student's booking and in-progress
//! attempt. Built with plain SQL so it does not depend on the code under test.

use proctorwise::accounts::model::{Role, User};
use proctorwise::db::{new_id, now_ms};
use proctorwise::exams::model::{ExamSettings, ExamStatus, ReleaseMode};
use proctorwise::exams::queries;
use proctorwise::exams::questions::QuestionInput;
use proctorwise::exams::questions::queries as question_queries;

use crate::helpers::TestApp;

pub struct World {
    pub teacher: User,
    pub student: User,
    pub exam_id: String,
    pub slot_id: String,
    pub question_ids: Vec<String>,
    pub booking_id: String,
    pub attempt_id: String,
    /// Another account, for admin routes acting on a user.
    pub target: User,
    /// The attempt's monitoring session, with one anomaly and one stored frame.
    pub session_id: String,
    pub anomaly_id: String,
    pub frame_id: String,
}

/// A small valid JPEG (64×48, grey).
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::new_rgb8(width, height)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .expect("encode");
    out
}

/// A question as a teacher would type it.
pub fn question(kind: &str, prompt: &str, options: &[&str], answer: &str, points: &str) -> QuestionInput {
    QuestionInput {
        kind: kind.into(),
        prompt: prompt.into(),
        options: options.iter().map(|s| (*s).to_owned()).collect(),
        answer: answer.into(),
        points: points.into(),
        partial_credit: false,
    }
}

pub fn sample_questions() -> Vec<QuestionInput> {
    let q = question;
    vec![
        q("mcq", "Which are prime numbers?", &["2", "4", "5", "9"], "1,3", "2"),
        q("true_false", "The Seine flows through Paris.", &[], "true", "1"),
        q("short_answer", "Capital of France?", &[], "Paris", "1"),
        q("essay", "Explain why proctoring must be fair.", &[], "Clear argument", "4"),
    ]
}

impl World {
    pub async fn new(app: &TestApp) -> World {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let teacher = app.create_user(Role::Teacher, &format!("owner-{tag}@example.test")).await;
        let student = app.create_user(Role::Student, &format!("booker-{tag}@example.test")).await;
        let target = app.create_user(Role::Student, &format!("target-{tag}@example.test")).await;
        let db = &app.state.db;
        let settings = ExamSettings {
            title: "World exam".into(),
            description: "Fixture".into(),
            duration_minutes: 60,
            pass_mark_percent: 60,
            shuffle_questions: false,
            shuffle_options: false,
            release_mode: ReleaseMode::Immediate,
        };
        let exam_id = queries::create_exam(db, &teacher.id, &settings).await.expect("exam");
        queries::set_status(db, &exam_id, ExamStatus::Published).await.expect("publish");
        let slot_id = queries::insert_slot(db, &exam_id, now_ms() - 5 * 60_000, 10).await.expect("slot");
        let drafts: Vec<_> = sample_questions().iter().map(|q| q.validate().expect("valid sample")).collect();
        let question_ids = question_queries::insert_all(db, &exam_id, &drafts).await.expect("questions");
        let booking_id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO bookings (id, exam_id, slot_id, student_id, status, active_key, created_at) VALUES (?, ?, ?, ?, 'active', ?, ?)",
        )
        .bind(&booking_id)
        .bind(&exam_id)
        .bind(&slot_id)
        .bind(&student.id)
        .bind(format!("{exam_id}:{}", student.id))
        .bind(now)
        .execute(db.pool())
        .await
        .expect("booking");
        sqlx::query("UPDATE exam_slots SET booked = 1 WHERE id = ?")
            .bind(&slot_id)
            .execute(db.pool())
            .await
            .expect("seat");
        let attempt_id = new_id();
        sqlx::query(
            "INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, question_order, option_orders, max_score_hundredths) \
             VALUES (?, ?, ?, ?, 'in_progress', ?, ?, ?, '{}', 800)",
        )
        .bind(&attempt_id)
        .bind(&booking_id)
        .bind(&exam_id)
        .bind(&student.id)
        .bind(now)
        .bind(now + 55 * 60_000)
        .bind(serde_json::to_string(&question_ids).expect("json"))
        .execute(db.pool())
        .await
        .expect("attempt");
        let (session_id, anomaly_id, frame_id) = (new_id(), new_id(), new_id());
        sqlx::query(
            "INSERT INTO monitoring_sessions (id, attempt_id, exam_id, student_id, status, active_key, started_at, deadline_at, rule_state, updated_at) \
             VALUES (?, ?, ?, ?, 'active', ?, ?, ?, '{}', ?)",
        )
        .bind(&session_id)
        .bind(&attempt_id)
        .bind(&exam_id)
        .bind(&student.id)
        .bind(&attempt_id)
        .bind(now)
        .bind(now + 55 * 60_000)
        .bind(now)
        .execute(db.pool())
        .await
        .expect("session");
        let key = format!("fixture/{session_id}/frame_000000.jpg");
        app.state.frames().put(&key, &jpeg(64, 48)).await.expect("frame file");
        sqlx::query(
            "INSERT INTO monitoring_frames (id, session_id, n, seq, captured_at, received_at, storage_key, bytes, width, height, flagged, verification) \
             VALUES (?, ?, 0, 0, ?, ?, ?, 100, 64, 48, 1, 'not_needed')",
        )
        .bind(&frame_id)
        .bind(&session_id)
        .bind(now)
        .bind(now)
        .bind(&key)
        .execute(db.pool())
        .await
        .expect("frame");
        sqlx::query(
            "INSERT INTO monitoring_anomalies (id, session_id, exam_id, student_id, kind, severity, method, confidence_permille, details, frame_id, started_at, detected_at, verification, review, updated_at) \
             VALUES (?, ?, ?, ?, 'multiple_faces', 'critical', 'client', 900, '{}', ?, ?, ?, 'pending', 'pending', ?)",
        )
        .bind(&anomaly_id)
        .bind(&session_id)
        .bind(&exam_id)
        .bind(&student.id)
        .bind(&frame_id)
        .bind(now)
        .bind(now)
        .bind(now)
        .execute(db.pool())
        .await
        .expect("anomaly");
        World {
            teacher,
            student,
            exam_id,
            slot_id,
            question_ids,
            booking_id,
            attempt_id,
            target,
            session_id,
            anomaly_id,
            frame_id,
        }
    }

    /// Fills the path placeholders of a route pattern.
    pub fn fill(&self, pattern: &str) -> String {
        pattern
            .replace("{id}", &self.target.id)
            .replace("{user_id}", &self.target.id)
            .replace("{student_id}", &self.student.id)
            .replace("{teacher_id}", &self.teacher.id)
            .replace("{exam_id}", &self.exam_id)
            .replace("{slot_id}", &self.slot_id)
            .replace("{question_id}", &self.question_ids[0])
            .replace("{booking_id}", &self.booking_id)
            .replace("{attempt_id}", &self.attempt_id)
            .replace("{session_id}", &self.session_id)
            .replace("{anomaly_id}", &self.anomaly_id)
            .replace("{frame_id}", &self.frame_id)
            .replace("{n}", "1")
            .replace("{*path}", "app.css")
    }
}
