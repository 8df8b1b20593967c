//! The exam's own detection settings (which checks run, forbidden labels, risk weights; set by
//! its teacher in the exam form, the environment's defaults otherwise), taken once per monitoring
//! session and kept on its row, so every frame of the session is judged by the same rules.

use serde::{Deserialize, Serialize};

use sqlx::AnyConnection;

use super::model::RiskWeights;
use super::rules::RuleConfig;
use crate::app::AppState;
use crate::db::DbText;

/// The settings a session is judged by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDetection {
    /// Face checks run (face absent, several faces).
    pub faces: bool,
    /// Object checks run.
    pub objects: bool,
    /// Forbidden COCO labels.
    pub forbidden: Vec<String>,
    /// Risk weights: low, medium, high, critical.
    pub weights: [i64; 4],
}

impl SessionDetection {
    /// The environment's settings (no exam override).
    pub fn defaults(state: &AppState) -> Self {
        let m = state.config.monitoring();
        Self {
            faces: true,
            objects: true,
            forbidden: m.rules.forbidden_objects.clone(),
            weights: [m.weights.low, m.weights.medium, m.weights.high, m.weights.critical],
        }
    }

    /// The exam's settings over the environment's.
    pub async fn of_exam(conn: &mut AnyConnection, state: &AppState, exam_id: &str) -> sqlx::Result<Self> {
        let exam = crate::exams::detection::detection_settings_in(conn, exam_id).await?;
        let defaults = crate::exams::detection::DetectionDefaults::from_config(&state.config);
        let e = exam.resolve(&defaults);
        Ok(Self { faces: e.faces, objects: e.objects, forbidden: e.forbidden_objects, weights: e.risk_weights })
    }

    /// The settings of a session, on the caller's transaction: those kept on its row, or its
    /// exam's, then kept on the row (taken once, at the session's first input).
    pub async fn of_session(
        conn: &mut AnyConnection,
        state: &AppState,
        session_id: &str,
        exam_id: &str,
    ) -> sqlx::Result<Self> {
        let stored: Option<Option<DbText>> =
            sqlx::query_scalar("SELECT detection FROM monitoring_sessions WHERE id = ?")
                .bind(session_id)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some(kept) = stored.flatten().and_then(|t| serde_json::from_str(&t.0).ok()) {
            return Ok(kept);
        }
        let taken = Self::of_exam(conn, state, exam_id).await?;
        let json = serde_json::to_string(&taken).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query("UPDATE monitoring_sessions SET detection = ? WHERE id = ?")
            .bind(json)
            .bind(session_id)
            .execute(&mut *conn)
            .await?;
        Ok(taken)
    }

    /// The rules with this session's checks and labels.
    pub fn rules(&self, base: &RuleConfig) -> RuleConfig {
        let mut rules = base.clone();
        rules.check_faces = self.faces;
        rules.forbidden_objects = if self.objects { self.forbidden.clone() } else { Vec::new() };
        rules
    }

    /// This session's risk weights.
    pub fn risk_weights(&self) -> RiskWeights {
        let [low, medium, high, critical] = self.weights;
        RiskWeights { low, medium, high, critical }
    }
}
