//! Demo data for a newcomer: the prototype's four accounts and one published exam with slots.
//! Idempotent: existing accounts and the existing demo exam are left alone.

use crate::accounts::model::{Email, NewUser, Role};
use crate::accounts::{password, queries as accounts};
use crate::db::{Db, is_unique_violation, now_ms};
use crate::exams::model::{ExamStatus, NewExam};
use crate::exams::queries as exams;
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
            description: "Dix questions pour découvrir ProctorWise : QCM, vrai/faux et réponse courte.".to_owned(),
            duration_minutes: 30,
            status: ExamStatus::Published,
        };
        let exam_id = exams::insert_exam(db, &exam).await?;
        let hour = 3_600_000;
        let now = now_ms();
        let next_quarter = now - now % (15 * 60_000) + 15 * 60_000;
        for offset in [0, 24 * hour, 72 * hour] {
            exams::insert_slot(db, &exam_id, next_quarter + offset, 30).await?;
        }
        report.created_exam = true;
    }
    Ok(report)
}
