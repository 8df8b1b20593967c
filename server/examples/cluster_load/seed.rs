//! The run's data, written through the server's own queries on the cluster's database: a teacher,
//! a proctor, the students (one password hash for all: their logins still verify it), a published
//! exam of four questions and one slot that opens after the lead time. Every name carries the
//! run's tag, so runs do not collide and the checks look at this run only.

use anyhow::Context;
use proctorwise::accounts::model::{Email, NewUser, Role, User};
use proctorwise::accounts::{password, queries as accounts};
use proctorwise::db::{Db, now_ms};
use proctorwise::exams::model::{ExamSettings, ExamStatus, ReleaseMode};
use proctorwise::exams::queries as exams;
use proctorwise::exams::questions::QuestionInput;
use proctorwise::exams::questions::queries as questions;

use crate::bench_support::PASSWORD;
use crate::plan::Plan;

/// The questions, in the order students see them (no shuffling). Texts are saved as
/// `rev N`, N growing with each save, so that the check can tell which save the database kept.
pub const QUESTIONS: [Question; 4] = [Question::Text, Question::Choice, Question::Truth, Question::Text];

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Question {
    Text,
    Choice,
    Truth,
}

/// What was seeded.
pub struct Run {
    pub tag: String,
    pub exam_id: String,
    pub slot_id: String,
    /// When the slot opens, UTC ms.
    pub opens_at: i64,
    /// When seeding began, UTC ms: the run's events are the outbox rows since.
    pub since: i64,
    pub students: Vec<String>,
    pub proctor_email: String,
}

pub async fn seed(db: &Db, plan: &Plan) -> anyhow::Result<Run> {
    let since = now_ms();
    let tag = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let hash = password::hash(PASSWORD.into()).await?;
    let user = |email: String, name: String, role: Role| {
        let hash = hash.clone();
        async move {
            let new = NewUser {
                email: Email::parse(&email).map_err(|_| anyhow::anyhow!("bad email {email}"))?,
                name,
                password: PASSWORD.into(),
                role,
                locale: None,
            };
            accounts::insert(db, &new, &hash).await.with_context(|| format!("account {email}"))
        }
    };
    let teacher: User = user(format!("teacher-{tag}@load.test"), format!("Teacher {tag}"), Role::Teacher).await?;
    let proctor_email = format!("proctor-{tag}@load.test");
    user(proctor_email.clone(), format!("Proctor {tag}"), Role::Proctor).await?;
    let mut students = Vec::with_capacity(plan.students);
    for i in 0..plan.students {
        let email = format!("s{i}-{tag}@load.test");
        user(email.clone(), format!("Student {i:04} {tag}"), Role::Student).await?;
        students.push(email);
    }

    let settings = ExamSettings {
        title: format!("Load run {tag}"),
        description: "Written by cluster_load.".into(),
        duration_minutes: (plan.seconds / 60 + 5) as i64,
        pass_mark_percent: 50,
        shuffle_questions: false,
        shuffle_options: false,
        release_mode: ReleaseMode::Immediate,
    };
    let exam_id = exams::create_exam(db, &teacher.id, &settings).await?;
    for (n, question) in QUESTIONS.iter().enumerate() {
        let input = match question {
            Question::Text => QuestionInput {
                kind: "short_answer".into(),
                prompt: format!("Question {}: the capital of France?", n + 1),
                answer: "Paris".into(),
                ..QuestionInput::default()
            },
            Question::Choice => QuestionInput {
                kind: "mcq".into(),
                prompt: format!("Question {}: 2 + 2?", n + 1),
                options: vec!["3".into(), "4".into(), "5".into()],
                answer: "2".into(),
                ..QuestionInput::default()
            },
            Question::Truth => QuestionInput {
                kind: "true_false".into(),
                prompt: format!("Question {}: the Seine flows through Paris.", n + 1),
                answer: "true".into(),
                ..QuestionInput::default()
            },
        };
        let draft = input.validate().map_err(|e| anyhow::anyhow!("question {n}: {e:?}"))?;
        questions::insert(db, &exam_id, &draft).await?;
    }
    let opens_at = now_ms() + plan.lead_seconds as i64 * 1000;
    let slot_id = exams::insert_slot(db, &exam_id, opens_at, plan.students as i64).await?;
    exams::set_status(db, &exam_id, ExamStatus::Published).await?;
    Ok(Run { tag, exam_id, slot_id, opens_at, since, students, proctor_email })
}
