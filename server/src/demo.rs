//! Demo data for a newcomer: the prototype's four accounts and one published exam with slots.
//! Idempotent: existing accounts and the existing demo exam are left alone.

use crate::accounts::model::{Email, NewUser, Role};
use crate::accounts::{password, queries as accounts};
use crate::db::{Db, is_unique_violation, now_ms};
use crate::exams::model::{ExamStatus, NewExam};
use crate::exams::queries as exams;
use crate::exams::questions::QuestionInput;
use crate::exams::questions::queries as question_queries;
use crate::i18n::Lang;

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "password123";

/// The demo accounts: email, name, role.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 4] = [
    ("alice@student.com", "Alice Martin", Role::Student),
    ("bob@teacher.com", "Bob Durand", Role::Teacher),
    ("charlie@proctor.com", "Charlie Petit", Role::Proctor),
    ("diana@admin.com", "Diana Leroy", Role::Admin),
];

const DEMO_EXAM_TITLE: &str = "Culture générale — examen de démonstration";

/// What seeding did.
#[derive(Debug, Default)]
pub struct SeedReport {
    /// Accounts created now.
    pub created_accounts: Vec<&'static str>,
    /// Whether the demo exam was created now.
    pub created_exam: bool,
}

/// Creates whatever demo data is missing.
pub async fn seed(db: &Db) -> anyhow::Result<SeedReport> {
    let mut report = SeedReport::default();
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    for (email, name, role) in DEMO_ACCOUNTS {
        let email_value = Email::parse(email).map_err(|e| anyhow::anyhow!("demo email {email}: {e}"))?;
        let new = NewUser {
            email: email_value,
            name: name.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            role,
            locale: Some(Lang::Fr),
        };
        match accounts::insert(db, &new, &hash).await {
            Ok(_) => report.created_accounts.push(email),
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let (teacher, _) = accounts::find_for_login(db, "bob@teacher.com")
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo teacher missing"))?;
    let existing = exams::list_for_teacher(db, &teacher.id).await?;
    if !existing.iter().any(|e| e.title == DEMO_EXAM_TITLE) {
        let exam = NewExam {
            teacher_id: teacher.id.clone(),
            title: DEMO_EXAM_TITLE.to_owned(),
            description: "Cinq questions pour découvrir ProctorWise : QCM, vrai/faux, réponse courte et rédaction."
                .to_owned(),
            duration_minutes: 45,
            status: ExamStatus::Published,
        };
        let exam_id = exams::insert_exam(db, &exam).await?;
        let drafts = demo_questions()
            .iter()
            .map(|q| q.validate().map_err(|e| anyhow::anyhow!("demo question invalid: {e:?}")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        question_queries::insert_all(db, &exam_id, &drafts).await?;
        let now = now_ms();
        let minute = 60_000;
        let next_quarter = now - now % (15 * minute) + 15 * minute;
        // Alice's slot opens two minutes after seeding, so a newcomer can take the exam at once.
        let soon = exams::insert_slot(db, &exam_id, now + 2 * minute, 30).await?;
        for offset in [24 * 60 * minute, 72 * 60 * minute] {
            exams::insert_slot(db, &exam_id, next_quarter + offset, 30).await?;
        }
        if let Some((alice, _)) = accounts::find_for_login(db, "alice@student.com").await? {
            if let Err(refusal) = crate::bookings::service::book(db, &alice.id, &soon).await? {
                tracing::warn!(?refusal, "demo booking refused");
            }
        }
        report.created_exam = true;
    }
    Ok(report)
}

/// One question of each kind, in French like the prototype's users.
fn demo_questions() -> Vec<QuestionInput> {
    let q = |kind: &str, prompt: &str, options: &[&str], answer: &str, points: &str| QuestionInput {
        kind: kind.into(),
        prompt: prompt.into(),
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        answer: answer.into(),
        points: points.into(),
        partial_credit: false,
    };
    vec![
        q("mcq", "Quelle est la capitale de l'Australie ?", &["Sydney", "Canberra", "Melbourne", "Perth"], "2", "1"),
        q("mcq", "Lesquels sont des nombres premiers ?", &["2", "9", "13", "21"], "1,3", "2"),
        q("true_false", "La Loire est le plus long fleuve de France.", &[], "vrai", "1"),
        q("short_answer", "Quel est le symbole chimique de l'or ?", &[], "Au", "1"),
        q(
            "essay",
            "En quelques lignes : pourquoi la surveillance d'un examen doit-elle être équitable ?",
            &[],
            "Argument clair, exemple concret.",
            "5",
        ),
    ]
}
