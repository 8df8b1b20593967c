//! Rows for the batch job tests, written straight into the tables the jobs read (portable SQL),
//! plus the `anomalies` table the monitoring context will own (created here only when the
//! migrations do not have it yet).

use proctorwise::db::new_id;
use proctorwise_batch::demo::ensure_anomalies_table;

use crate::helpers::{Backend, TestApp};

/// An exam with its questions (`kinds`, 1 point each) and one slot.
pub struct Exam {
    pub id: String,
    pub slot_id: String,
    pub questions: Vec<String>,
}

pub async fn exam(app: &TestApp, teacher_id: &str, kinds: &[&str]) -> Exam {
    let pool = app.state.db.pool();
    let id = new_id();
    sqlx::query(
        "INSERT INTO exams (id, teacher_id, title, description, duration_minutes, status, created_at, updated_at) \
         VALUES (?, ?, 'Batch exam', '', 60, 'published', 0, 0)",
    )
    .bind(&id)
    .bind(teacher_id)
    .execute(pool)
    .await
    .expect("exam");
    let slot_id = new_id();
    sqlx::query(
        "INSERT INTO exam_slots (id, exam_id, starts_at, ends_at, capacity, created_at) VALUES (?, ?, 0, 1, 100, 0)",
    )
    .bind(&slot_id)
    .bind(&id)
    .execute(pool)
    .await
    .expect("slot");
    let mut questions = Vec::new();
    for (position, kind) in kinds.iter().enumerate() {
        let qid = new_id();
        sqlx::query(
            "INSERT INTO questions (id, exam_id, position, kind, prompt, options, answer_key, points_hundredths, created_at, updated_at) \
             VALUES (?, ?, ?, ?, 'Q', '[]', 'null', 100, 0, 0)",
        )
        .bind(&qid)
        .bind(&id)
        .bind(position as i64)
        .bind(*kind)
        .execute(pool)
        .await
        .expect("question");
        questions.push(qid);
    }
    Exam { id, slot_id, questions }
}

/// A submitted attempt. `answers`: per question (in order) its score in hundredths (`None`:
/// not graded yet) and its grader (`None`: automatic). Graded when every answer has a score.
pub struct Attempt<'a> {
    pub exam: &'a Exam,
    pub student_id: &'a str,
    pub submitted_at: i64,
    pub graded_at: Option<i64>,
    pub answers: &'a [(Option<i64>, Option<&'a str>)],
}

pub async fn attempt(app: &TestApp, a: Attempt<'_>) -> String {
    let pool = app.state.db.pool();
    let booking = new_id();
    sqlx::query(
        "INSERT INTO bookings (id, exam_id, slot_id, student_id, status, created_at) VALUES (?, ?, ?, ?, 'active', 0)",
    )
    .bind(&booking)
    .bind(&a.exam.id)
    .bind(&a.exam.slot_id)
    .bind(a.student_id)
    .execute(pool)
    .await
    .expect("booking");
    let graded = a.graded_at.is_some() && a.answers.iter().all(|(s, _)| s.is_some());
    let max = 100 * a.answers.len() as i64;
    let score: i64 = a.answers.iter().filter_map(|(s, _)| *s).sum();
    let id = new_id();
    sqlx::query(
        "INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, submitted_at, \
         question_order, option_orders, grading_status, score_hundredths, max_score_hundredths, passed, graded_at) \
         VALUES (?, ?, ?, ?, 'submitted', ?, ?, ?, '[]', '[]', ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&booking)
    .bind(&a.exam.id)
    .bind(a.student_id)
    .bind(a.submitted_at - 60_000)
    .bind(a.submitted_at + 3_600_000)
    .bind(a.submitted_at)
    .bind(if graded { "graded" } else { "pending" })
    .bind(graded.then_some(score))
    .bind(max)
    .bind(graded.then_some(i64::from(score * 100 >= 60 * max)))
    .bind(if graded { a.graded_at } else { None })
    .execute(pool)
    .await
    .expect("attempt");
    for ((score, grader), qid) in a.answers.iter().zip(&a.exam.questions) {
        sqlx::query(
            "INSERT INTO answers (attempt_id, question_id, response, saved_at, score_hundredths, graded_by, comment, graded_at) \
             VALUES (?, ?, '\"x\"', ?, ?, ?, '', ?)",
        )
        .bind(&id)
        .bind(qid)
        .bind(a.submitted_at)
        .bind(*score)
        .bind(*grader)
        .bind(score.map(|_| a.submitted_at))
        .execute(pool)
        .await
        .expect("answer");
    }
    id
}

/// Creates the anomalies table if the migrations have none.
pub async fn anomalies_table(app: &TestApp) {
    ensure_anomalies_table(app.state.db.pool(), app.backend == Backend::MariaDb).await.expect("anomalies table");
}

/// One anomaly.
pub async fn anomaly(
    app: &TestApp,
    exam_id: &str,
    user_id: &str,
    kind: &str,
    severity: &str,
    at: i64,
    confidence: Option<f64>,
) {
    sqlx::query(
        "INSERT INTO anomalies (id, session_id, attempt_id, exam_id, user_id, kind, severity, detected_at, confidence) \
         VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)",
    )
    .bind(new_id())
    .bind(new_id())
    .bind(exam_id)
    .bind(user_id)
    .bind(kind)
    .bind(severity)
    .bind(at)
    .bind(confidence)
    .execute(app.state.db.pool())
    .await
    .expect("anomaly");
}
