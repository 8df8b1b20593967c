//! Every flag explains itself: the reason in plain words, the browser's and the server's
//! verdicts side by side, the models and thresholds used and the evidence frame — on the
//! proctor's session page, in the exam report, in the API — and teachers read each attempt's
//! integrity before they grade. Read-only: this module never writes monitoring tables.

mod api;
pub mod build;
pub mod messages;
pub mod queries;
pub mod views;

pub use api::{list_anomalies, openapi_paths};
pub use build::{Explanation, Facts, explain};
pub use queries::{AttemptIntegrity, ExplainedAnomaly, integrity_of_attempts};

use crate::accounts::model::{Role, User};
use crate::db::Db;
use crate::monitoring::panels::queries::{AnomalyRow, Scope, exam_in_scope};

/// Whether `user` may open the evidence (proctor pages and frames) of `exam_id`'s sessions:
/// admins always, proctors for the exams they watch, teachers and students never.
pub async fn may_see_evidence(db: &Db, user: &User, exam_id: &str) -> sqlx::Result<bool> {
    match user.role {
        Role::Admin => Ok(true),
        Role::Proctor => exam_in_scope(db, &Scope::of(user), exam_id).await,
        Role::Teacher | Role::Student => Ok(false),
    }
}

impl AnomalyRow {
    /// The explanation's input.
    pub fn facts(&self) -> Facts<'_> {
        Facts {
            kind: &self.kind,
            details: &self.details,
            confidence_permille: self.confidence_permille,
            started_at: self.started_at,
            ended_at: self.ended_at,
            frame_id: self.frame_id.as_deref(),
            client_result: self.client_result.as_deref(),
            server_result: self.server_result.as_deref(),
        }
    }
}
