//! SQL of the detection settings (columns of `exams`, migration 0014).

use sqlx::FromRow;

use super::ExamDetection;
use crate::db::{Db, now_ms};

#[derive(FromRow)]
struct DetectionRow {
    detect_faces: i64,
    detect_objects: i64,
    forbidden_objects: Option<String>,
    risk_weight_low: Option<i64>,
    risk_weight_medium: Option<i64>,
    risk_weight_high: Option<i64>,
    risk_weight_critical: Option<i64>,
}

impl From<DetectionRow> for ExamDetection {
    fn from(r: DetectionRow) -> Self {
        // Stored lists were validated on the way in; an empty one would mean "nothing is
        // forbidden", which no form can save, so it reads as the default.
        let labels: Vec<String> = r
            .forbidden_objects
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        ExamDetection {
            faces: r.detect_faces != 0,
            objects: r.detect_objects != 0,
            forbidden_objects: (!labels.is_empty()).then_some(labels),
            risk_weights: [r.risk_weight_low, r.risk_weight_medium, r.risk_weight_high, r.risk_weight_critical],
        }
    }
}

/// The detection settings of exam `exam_id`, deleted exams included (their attempts may still
/// be monitored). An unknown exam gets [`ExamDetection::default`]: every check on, every value
/// the environment default.
pub async fn detection_settings(db: &Db, exam_id: &str) -> sqlx::Result<ExamDetection> {
    let mut conn = db.pool().acquire().await?;
    detection_settings_in(&mut conn, exam_id).await
}

/// [`detection_settings`] on the caller's connection (inside its transaction).
pub async fn detection_settings_in(conn: &mut sqlx::AnyConnection, exam_id: &str) -> sqlx::Result<ExamDetection> {
    let row: Option<DetectionRow> = sqlx::query_as(
        "SELECT detect_faces, detect_objects, forbidden_objects, risk_weight_low, risk_weight_medium, \
         risk_weight_high, risk_weight_critical FROM exams WHERE id = ?",
    )
    .bind(exam_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(ExamDetection::from).unwrap_or_default())
}

/// Replaces the detection settings of exam `exam_id` (`None` is stored as NULL: the default).
pub async fn save_detection(db: &Db, exam_id: &str, d: &ExamDetection) -> sqlx::Result<()> {
    let [low, medium, high, critical] = d.risk_weights;
    sqlx::query(
        "UPDATE exams SET detect_faces = ?, detect_objects = ?, forbidden_objects = ?, risk_weight_low = ?, \
         risk_weight_medium = ?, risk_weight_high = ?, risk_weight_critical = ?, updated_at = ? WHERE id = ?",
    )
    .bind(i64::from(d.faces))
    .bind(i64::from(d.objects))
    .bind(d.forbidden_objects.as_ref().map(|l| l.join(",")))
    .bind(low)
    .bind(medium)
    .bind(high)
    .bind(critical)
    .bind(now_ms())
    .bind(exam_id)
    .execute(db.pool())
    .await?;
    Ok(())
}
