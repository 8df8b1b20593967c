//! What the student is told: each problem the server confirmed (a visual anomaly, or pictures
//! that did not come), once, in the answer to their next frame. Plain words, no thresholds; the
//! exam goes on.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::AnyConnection;

use crate::db::{DbText, fetch_by_ids_on, placeholders};
use crate::i18n::Lang;
use crate::monitoring::model::Kind;

/// A confirmed problem not yet told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Its kind.
    pub kind: Kind,
    /// The object seen, for `forbidden_object`.
    pub label: Option<String>,
}

/// A notice as the browser shows it.
#[derive(Serialize)]
pub struct Told {
    /// Kind (stored form).
    pub kind: &'static str,
    /// The message in the student's language.
    pub message: String,
}

impl Notice {
    /// The message in `lang`.
    pub fn told(&self, lang: Lang) -> Told {
        let message = match self.kind {
            Kind::FaceAbsent => lang.t("monitor.notice.face_absent").to_owned(),
            Kind::MultipleFaces => lang.t("monitor.notice.multiple_faces").to_owned(),
            Kind::ForbiddenObject => {
                lang.tf("monitor.notice.forbidden_object", &[("label", self.label.as_deref().unwrap_or("?"))])
            }
            _ => lang.t("monitor.notice.monitoring_incomplete").to_owned(),
        };
        Told { kind: self.kind.as_str(), message }
    }
}

/// Takes the confirmed problems not yet told of each of `sessions` (marking them told).
pub async fn take_many(
    conn: &mut AnyConnection,
    sessions: &[&str],
    now: i64,
) -> sqlx::Result<HashMap<String, Vec<Notice>>> {
    let rows: Vec<(String, String, String, DbText)> = fetch_by_ids_on(
        conn,
        "SELECT id, session_id, kind, details FROM monitoring_anomalies WHERE session_id IN ({ids}) \
         AND student_told_at IS NULL \
         AND kind IN ('face_absent', 'multiple_faces', 'forbidden_object', 'monitoring_incomplete') \
         AND verification IN ('confirmed', 'not_needed') AND review <> 'dismissed' ORDER BY detected_at, id",
        sessions,
    )
    .await?;
    let ids: Vec<&str> = rows.iter().map(|(id, ..)| id.as_str()).collect();
    for chunk in ids.chunks(500) {
        let sql =
            format!("UPDATE monitoring_anomalies SET student_told_at = ? WHERE id IN ({})", placeholders(chunk.len()));
        let mut query = sqlx::query(&sql).bind(now);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    let mut out: HashMap<String, Vec<Notice>> = HashMap::new();
    for (_, session, kind, details) in rows {
        let Some(kind) = Kind::parse(&kind) else { continue };
        let details: serde_json::Value = serde_json::from_str(&details.0).unwrap_or_default();
        let label = details.get("label").and_then(serde_json::Value::as_str).map(str::to_owned);
        let told = out.entry(session).or_default();
        if !told.iter().any(|n| n.kind == kind && n.label == label) {
            told.push(Notice { kind, label });
        }
    }
    Ok(out)
}
