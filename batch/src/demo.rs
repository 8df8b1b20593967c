//! Generated data for benchmarks, demos and the Airflow check: a fresh SQLite database with the
//! application schema and synthetic students, exams, graded attempts, answers and anomalies,
//! all inside one week (starting on a Sunday), one day of which holds every anomaly. Each
//! attempt has its monitoring session; anomalies go to the monitoring context's own tables, and
//! 2 % of them are false alarms (1 % dismissed by a proctor, 1 % rejected by re-verification)
//! that the jobs must leave out.

use anyhow::Context;
use sqlx::AnyPool;
use sqlx::migrate::Migrator;

use crate::window::{Date, Month};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");

/// Size of a generated data set.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    /// Students.
    pub students: i64,
    /// Exams (each with `questions` questions and one slot).
    pub exams: i64,
    /// Questions per exam (answers = attempts × questions).
    pub questions: i64,
    /// Submitted attempts (90 % graded).
    pub attempts: i64,
    /// Anomalies, all on [`Scale::DAY`] (none without attempts: each belongs to a session).
    pub anomalies: i64,
}

impl Scale {
    /// First day of the generated week (a Sunday).
    pub const WEEK: Date = Date { year: 2026, month: 10, day: 4 };
    /// The day holding every anomaly.
    pub const DAY: Date = Date { year: 2026, month: 10, day: 5 };
    /// The month holding everything.
    pub const MONTH: Month = Month { year: 2026, month: 10 };
}

/// Generates `scale` into the empty SQLite database at `pool` (schema included).
pub async fn generate(pool: &AnyPool, scale: Scale) -> anyhow::Result<()> {
    SQLITE_MIGRATIONS.run(pool).await.context("applying migrations")?;
    let week = Scale::WEEK.start_ms();
    let q = scale.questions;
    let steps: Vec<(&str, String)> = vec![
        (
            "teacher",
            "INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at) \
            VALUES ('t-1', 'teacher@bench.test', 'Teacher', 'x', 'teacher', 0, 0)"
                .into(),
        ),
        (
            "students",
            format!(
                "INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at) \
            {} SELECT printf('u-%08d', i), printf('s%d@bench.test', i), printf('Student %d', i), 'x', 'student', 0, 0 FROM n",
                seq(scale.students)
            ),
        ),
        (
            "exams",
            format!(
                "INSERT INTO exams (id, teacher_id, title, duration_minutes, status, created_at, updated_at) \
            {} SELECT printf('e-%06d', i), 't-1', printf('Exam %d', i), 60, 'published', 0, 0 FROM n",
                seq(scale.exams)
            ),
        ),
        (
            "questions",
            format!(
                "INSERT INTO questions (id, exam_id, position, kind, prompt, points_hundredths, created_at, updated_at) \
            {} SELECT printf('q-%06d-%03d', e.i, k.j), printf('e-%06d', e.i), k.j, \
            CASE k.j % 4 WHEN 0 THEN 'essay' WHEN 1 THEN 'mcq' WHEN 2 THEN 'true_false' ELSE 'short_answer' END, 'Q', 100, 0, 0 \
            FROM n e, k",
                seq2(scale.exams, q)
            ),
        ),
        (
            "slots",
            format!(
                "INSERT INTO exam_slots (id, exam_id, starts_at, ends_at, capacity, created_at) \
            {} SELECT printf('sl-%06d', i), printf('e-%06d', i), {week}, {week} + 3600000, 1000000, 0 FROM n",
                seq(scale.exams)
            ),
        ),
        (
            "bookings",
            format!(
                "INSERT INTO bookings (id, exam_id, slot_id, student_id, status, created_at) \
            {} SELECT printf('b-%08d', i), printf('e-%06d', i % {e} + 1), printf('sl-%06d', i % {e} + 1), \
            printf('u-%08d', i % {s} + 1), 'active', 0 FROM n",
                seq(scale.attempts),
                e = scale.exams,
                s = scale.students
            ),
        ),
        (
            "attempts",
            format!(
                "INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, \
            submitted_at, question_order, option_orders, grading_status, score_hundredths, max_score_hundredths, passed, graded_at) \
            {} SELECT printf('a-%08d', i), printf('b-%08d', i), printf('e-%06d', i % {e} + 1), printf('u-%08d', i % {s} + 1), \
            'submitted', t, t + 3600000, t + 1800000, '[]', '[]', CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'graded' END, \
            CASE WHEN i % 10 = 0 THEN NULL ELSE (i * 7919) % ({q} * 100 + 1) END, {q} * 100, \
            CASE WHEN i % 10 = 0 THEN NULL WHEN (i * 7919) % ({q} * 100 + 1) * 100 >= 60 * {q} * 100 THEN 1 ELSE 0 END, \
            CASE WHEN i % 10 = 0 THEN NULL ELSE t + 1800000 + (i % 48) * 3600000 END \
            FROM (SELECT i, {week} + (i * 7919) % (6 * 86400000) AS t FROM n)",
                seq(scale.attempts),
                e = scale.exams,
                s = scale.students
            ),
        ),
        (
            "answers",
            format!(
                "INSERT INTO answers (attempt_id, question_id, response, saved_at, score_hundredths, graded_by, graded_at) \
            {} SELECT printf('a-%08d', a.i), printf('q-%06d-%03d', a.i % {e} + 1, k.j), '\"x\"', 0, \
            CASE WHEN (a.i * 31 + k.j * 17) % 5 < k.j % 4 + 1 THEN 100 ELSE 0 END, \
            CASE WHEN k.j % 4 = 0 THEN 't-1' END, 0 FROM n a, k",
                seq2(scale.attempts, q),
                e = scale.exams
            ),
        ),
        (
            "sessions",
            format!(
                "INSERT INTO monitoring_sessions (id, attempt_id, exam_id, student_id, status, started_at, stopped_at, \
            stop_reason, frames, stored_frames, rule_state, risk_score, updated_at) \
            {} SELECT printf('se-%08d', i), printf('a-%08d', i), printf('e-%06d', i % {e} + 1), \
            printf('u-%08d', i % {s} + 1), 'stopped', t, t + 1800000, 'submitted', 900, 60, '{{}}', 0, t + 1800000 \
            FROM (SELECT i, {week} + (i * 7919) % (6 * 86400000) AS t FROM n)",
                seq(scale.attempts),
                e = scale.exams,
                s = scale.students
            ),
        ),
        (
            "anomalies",
            format!(
                "INSERT INTO monitoring_anomalies (id, session_id, exam_id, student_id, kind, severity, method, \
            confidence_permille, started_at, detected_at, verification, review, updated_at) \
            {} SELECT printf('an-%09d', i), printf('se-%08d', i % {a} + 1), printf('e-%06d', (i % {a} + 1) % {e} + 1), \
            printf('u-%08d', (i % {a} + 1) % {s} + 1), \
            CASE i % 5 WHEN 0 THEN 'face_absent' WHEN 1 THEN 'multiple_faces' WHEN 2 THEN 'forbidden_object' WHEN 3 THEN 'tab_change' ELSE 'webcam_disabled' END, \
            CASE i % 7 WHEN 0 THEN 'critical' WHEN 1 THEN 'high' WHEN 2 THEN 'high' WHEN 3 THEN 'low' ELSE 'medium' END, \
            'server_verified', (i % 100) * 10, t, t, \
            CASE WHEN i % 100 = 50 THEN 'rejected' ELSE 'confirmed' END, \
            CASE WHEN i % 100 = 0 THEN 'dismissed' ELSE 'pending' END, t \
            FROM (SELECT i, {day} + (i * 7919) % 86400000 AS t FROM n) ORDER BY t",
                seq(scale.anomalies),
                a = scale.attempts.max(1),
                e = scale.exams,
                s = scale.students,
                day = Scale::DAY.start_ms()
            ),
        ),
    ];
    for (what, sql) in steps {
        let empty = match what {
            "answers" | "sessions" => scale.attempts == 0,
            "anomalies" => scale.attempts == 0 || scale.anomalies == 0,
            _ => false,
        };
        if empty {
            continue;
        }
        sqlx::query(&sql).execute(pool).await.with_context(|| format!("generating {what}"))?;
    }
    Ok(())
}

/// `n(i)` counting 1..=count and `k(j)` counting 1..=inner.
fn seq2(count: i64, inner: i64) -> String {
    format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}), \
         k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < {inner})"
    )
}

/// `WITH RECURSIVE n(i)` counting 1..=count.
fn seq(count: i64) -> String {
    format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})")
}
