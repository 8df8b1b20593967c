//! A fixed analytics world built with plain SQL: one teacher's exam ("Algèbre — Été", four
//! questions worth 2, 1, 1 and 4 points) with four graded copies and one waiting for a grade.
//! Every figure the tests assert is worked out by hand in the comments.

use proctorwise::accounts::model::{Role, User};
use proctorwise::db::{Db, new_id, now_ms};
use proctorwise::exams::model::{ExamSettings, ExamStatus, ReleaseMode};
use proctorwise::exams::queries;
use proctorwise::exams::questions::queries as question_queries;

use crate::fixtures::sample_questions;
use crate::helpers::TestApp;

/// A name that CSV quoting must survive: comma, quotes, accent, newline.
pub const TRICKY_NAME: &str = "Zoë \"Zed\", Jr.\nsecond line";

pub struct Analytics {
    pub teacher: User,
    pub exam_id: String,
    /// Students s1..s4 (graded) and s5 (pending); s2 carries [`TRICKY_NAME`].
    pub students: Vec<User>,
}

/// Per-question scores (hundredths) of s1..s4; q3 is answered by the weak copies only, so its
/// discrimination is negative. Totals of 800: 700 (87.5 %), 500 (62.5 %), 300 (37.5 %), 100 (12.5 %).
pub const SCORES: [[i64; 4]; 4] = [[200, 100, 0, 400], [200, 100, 0, 200], [0, 100, 100, 100], [0, 0, 100, 0]];

pub async fn exam(app: &TestApp, teacher: &User, title: &str, release: ReleaseMode) -> (String, Vec<String>) {
    let db = &app.state.db;
    let settings = ExamSettings {
        title: title.into(),
        description: String::new(),
        duration_minutes: 60,
        pass_mark_percent: 60,
        shuffle_questions: false,
        shuffle_options: false,
        release_mode: release,
    };
    let exam_id = queries::create_exam(db, &teacher.id, &settings).await.expect("exam");
    queries::set_status(db, &exam_id, ExamStatus::Published).await.expect("publish");
    let drafts: Vec<_> = sample_questions().iter().map(|q| q.validate().expect("valid")).collect();
    let qids = question_queries::insert_all(db, &exam_id, &drafts).await.expect("questions");
    (exam_id, qids)
}

/// A submitted attempt of `student` at `submitted_at`, graded with `scores` (None: pending).
pub async fn submit(
    db: &Db,
    exam_id: &str,
    qids: &[String],
    student: &User,
    scores: Option<[i64; 4]>,
    submitted_at: i64,
) -> String {
    let slot = queries::insert_slot(db, exam_id, submitted_at - 3_600_000, 100).await.expect("slot");
    let booking = new_id();
    sqlx::query(
        "INSERT INTO bookings (id, exam_id, slot_id, student_id, status, created_at) VALUES (?, ?, ?, ?, 'active', ?)",
    )
    .bind(&booking)
    .bind(exam_id)
    .bind(&slot)
    .bind(&student.id)
    .bind(submitted_at - 7_200_000)
    .execute(db.pool())
    .await
    .expect("booking");
    let attempt = new_id();
    let total: Option<i64> = scores.map(|s| s.iter().sum());
    sqlx::query(
        "INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, submitted_at, submit_reason, \
         question_order, option_orders, grading_status, score_hundredths, max_score_hundredths, passed, graded_at) \
         VALUES (?, ?, ?, ?, 'submitted', ?, ?, ?, 'student', ?, '{}', ?, ?, 800, ?, ?)",
    )
    .bind(&attempt)
    .bind(&booking)
    .bind(exam_id)
    .bind(&student.id)
    .bind(submitted_at - 1_800_000)
    .bind(submitted_at + 1_800_000)
    .bind(submitted_at)
    .bind(serde_json::to_string(qids).expect("json"))
    .bind(if total.is_some() { "graded" } else { "pending" })
    .bind(total)
    .bind(total.map(|t| i64::from(t * 100 >= 60 * 800)))
    .bind(total.map(|_| submitted_at))
    .execute(db.pool())
    .await
    .expect("attempt");
    for (i, qid) in qids.iter().enumerate() {
        sqlx::query("INSERT INTO answers (attempt_id, question_id, response, saved_at, score_hundredths, comment) VALUES (?, ?, 'null', ?, ?, '')")
            .bind(&attempt)
            .bind(qid)
            .bind(submitted_at)
            .bind(scores.map(|s| s[i]))
            .execute(db.pool())
            .await
            .expect("answer");
    }
    attempt
}

pub async fn rename(db: &Db, user: &mut User, name: &str) {
    sqlx::query("UPDATE users SET name = ? WHERE id = ?")
        .bind(name)
        .bind(&user.id)
        .execute(db.pool())
        .await
        .expect("rename");
    user.name = name.to_owned();
}

impl Analytics {
    pub async fn new(app: &TestApp) -> Analytics {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let teacher = app.create_user(Role::Teacher, &format!("prof-{tag}@example.test")).await;
        let (exam_id, question_ids) = exam(app, &teacher, "Algèbre — Été", ReleaseMode::Immediate).await;
        let db = &app.state.db;
        let mut students = Vec::new();
        for i in 1..=5 {
            let mut s = app.create_user(Role::Student, &format!("s{i}-{tag}@example.test")).await;
            rename(db, &mut s, &format!("Student {i}")).await;
            students.push(s);
        }
        rename(db, &mut students[1], TRICKY_NAME).await;
        let now = now_ms();
        for (i, scores) in SCORES.iter().enumerate() {
            submit(db, &exam_id, &question_ids, &students[i], Some(*scores), now - 60_000 * (10 - i as i64)).await;
        }
        submit(db, &exam_id, &question_ids, &students[4], None, now - 60_000).await;
        Analytics { teacher, exam_id, students }
    }
}
