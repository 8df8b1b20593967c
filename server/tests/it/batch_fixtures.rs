//! Rows for the batch job tests, written straight into the tables the jobs read (portable SQL):
//! exams, attempts and answers, monitoring sessions and their anomalies.

use proctorwise::db::new_id;

use crate::helpers::TestApp;

/// An exam with its questions (`kinds`, 1 point each) and one slot.
pub struct Exam {
    pub id: String,
    pub slot_id: String,
    pub questions: Vec<String>,
}

pub async fn exam(app: &TestApp, teacher_id: &str, kinds: &[&str]) -> Exam {
    exam_with_id(app, &new_id(), teacher_id, kinds).await
}

/// An exam with a chosen id (readable ids in the jobs' outputs).
pub async fn exam_with_id(app: &TestApp, id: &str, teacher_id: &str, kinds: &[&str]) -> Exam {
    let pool = app.state.db.pool();
    let id = id.to_owned();
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

/// An active booking of `student_id` on the exam's slot; returns its id.
async fn booking(app: &TestApp, exam: &Exam, student_id: &str) -> String {
    let id = new_id();
    sqlx::query(
        "INSERT INTO bookings (id, exam_id, slot_id, student_id, status, created_at) VALUES (?, ?, ?, ?, 'active', 0)",
    )
    .bind(&id)
    .bind(&exam.id)
    .bind(&exam.slot_id)
    .bind(student_id)
    .execute(app.state.db.pool())
    .await
    .expect("booking");
    id
}

pub async fn attempt(app: &TestApp, a: Attempt<'_>) -> String {
    let pool = app.state.db.pool();
    let booking = booking(app, a.exam, a.student_id).await;
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

/// A user with a chosen id (readable ids in the jobs' outputs).
pub async fn user_with_id(app: &TestApp, id: &str, role: &str) {
    sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, 'x', ?, 0, 0)",
    )
    .bind(id)
    .bind(format!("{id}@example.test"))
    .bind(format!("User {id}"))
    .bind(role)
    .execute(app.state.db.pool())
    .await
    .expect("user");
}

/// A monitoring session: who was watched in which exam.
pub struct Session {
    pub id: String,
}

/// A stopped monitoring session of `student_id` in `exam`, bound to `attempt_id` or, without
/// one, to a new attempt still in progress (which no grading job reads).
pub async fn session(app: &TestApp, exam: &Exam, student_id: &str, attempt_id: Option<&str>) -> Session {
    let pool = app.state.db.pool();
    let attempt_id = match attempt_id {
        Some(id) => id.to_owned(),
        None => {
            let booking = booking(app, exam, student_id).await;
            let id = new_id();
            sqlx::query(
                "INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, \
                 question_order, option_orders, max_score_hundredths) VALUES (?, ?, ?, ?, 'in_progress', 0, 1, '[]', '[]', 0)",
            )
            .bind(&id)
            .bind(&booking)
            .bind(&exam.id)
            .bind(student_id)
            .execute(pool)
            .await
            .expect("attempt");
            id
        }
    };
    let id = new_id();
    sqlx::query(
        "INSERT INTO monitoring_sessions (id, attempt_id, exam_id, student_id, status, started_at, stopped_at, \
         stop_reason, rule_state, updated_at) VALUES (?, ?, ?, ?, 'stopped', 0, 1, 'submitted', '{}', 1)",
    )
    .bind(&id)
    .bind(&attempt_id)
    .bind(&exam.id)
    .bind(student_id)
    .execute(pool)
    .await
    .expect("monitoring session");
    Session { id }
}

/// What became of an anomaly: it counts, or it is a false alarm the jobs leave out.
#[derive(Clone, Copy)]
pub enum Outcome {
    Counted,
    /// A proctor dismissed it.
    Dismissed,
    /// The server's re-verification rejected the browser's flag.
    Rejected,
}

/// One anomaly of `session`'s exam, with its confidence in thousandths.
pub async fn anomaly(
    app: &TestApp,
    session: &Session,
    kind: &str,
    severity: &str,
    at: i64,
    permille: i64,
    outcome: Outcome,
) {
    let (verification, review) = match outcome {
        Outcome::Counted => ("confirmed", "pending"),
        Outcome::Dismissed => ("confirmed", "dismissed"),
        Outcome::Rejected => ("rejected", "pending"),
    };
    sqlx::query(
        "INSERT INTO monitoring_anomalies (id, session_id, exam_id, student_id, kind, severity, method, \
         confidence_permille, started_at, detected_at, verification, review, updated_at) \
         SELECT ?, s.id, s.exam_id, s.student_id, ?, ?, 'server_verified', ?, ?, ?, ?, ?, ? FROM monitoring_sessions s WHERE s.id = ?",
    )
    .bind(new_id())
    .bind(kind)
    .bind(severity)
    .bind(permille)
    .bind(at)
    .bind(at)
    .bind(verification)
    .bind(review)
    .bind(at)
    .bind(&session.id)
    .execute(app.state.db.pool())
    .await
    .expect("anomaly");
}
