//! The `detection` object of the exams API, `POST /api/v1/exams/{exam_id}/detection`, and its
//! OpenAPI schemas.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::{self, DetectionForm};
use super::{DetectionDefaults, ExamDetection, MAX_WEIGHT, SEVERITIES, save_detection};
use crate::accounts::extract::{Authed, TeacherOrAdmin};
use crate::api::ApiJson;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::exams::access::owned_exam;
use crate::exams::forms::FieldErrors;
use crate::i18n::Lang;

/// The `detection` object a client sends. Absent fields take their defaults: checks on, the
/// environment's list and weights.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DetectionJson {
    faces: Option<bool>,
    objects: Option<bool>,
    forbidden_objects: Option<Vec<String>>,
    #[serde(default)]
    risk_weights: WeightsJson,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct WeightsJson {
    low: Option<i64>,
    medium: Option<i64>,
    high: Option<i64>,
    critical: Option<i64>,
}

impl DetectionJson {
    /// The same raw input as the exam form's section (`null` list = the default list).
    pub fn to_form(&self) -> DetectionForm {
        let w = &self.risk_weights;
        DetectionForm {
            faces: self.faces.unwrap_or(true),
            objects: self.objects.unwrap_or(true),
            forbidden_objects: self.forbidden_objects.clone(),
            risk_weights: [w.low, w.medium, w.high, w.critical].map(|n| n.map(|n| n.to_string()).unwrap_or_default()),
        }
    }
}

fn weights_json<T: serde::Serialize>(w: &[T; 4]) -> Value {
    Value::Object(SEVERITIES.iter().zip(w).map(|(s, n)| ((*s).to_owned(), json!(n))).collect())
}

/// The `detection` object the API returns: the exam's own values (`null` = the default) and
/// what applies.
pub fn detection_json(d: &ExamDetection, defaults: &DetectionDefaults) -> Value {
    let effective = d.resolve(defaults);
    json!({"faces": d.faces, "objects": d.objects, "forbidden_objects": d.forbidden_objects,
        "risk_weights": weights_json(&d.risk_weights),
        "effective": {"forbidden_objects": effective.forbidden_objects, "risk_weights": weights_json(&effective.risk_weights)}})
}

/// `field: message` parts of the errors, fields named by their JSON path under `prefix`.
pub fn error_parts(lang: Lang, form: &DetectionForm, errors: &FieldErrors, prefix: &str) -> Vec<String> {
    errors
        .iter()
        .map(|(field, key)| {
            let path = match form::WEIGHTS.iter().position(|w| w == field) {
                Some(i) => format!("risk_weights.{}", SEVERITIES[i]),
                None => (*field).to_owned(),
            };
            format!("{prefix}{path}: {}", form.error_text(lang, key))
        })
        .collect()
}

/// `POST /api/v1/exams/{exam_id}/detection`: replaces the exam's detection settings (owner
/// teacher, admin); 200 with them.
pub async fn set_detection(
    State(state): State<AppState>,
    Authed { user, .. }: Authed<TeacherOrAdmin>,
    lang: Lang,
    Path(exam_id): Path<String>,
    ApiJson(body): ApiJson<DetectionJson>,
) -> AppResult<Json<Value>> {
    let exam = owned_exam(&state.db, &user, &exam_id).await?;
    let form = body.to_form();
    let detection =
        ExamDetection::try_from(&form).map_err(|e| AppError::Invalid(error_parts(lang, &form, &e, "").join(" ")))?;
    save_detection(&state.db, &exam.id, &detection).await?;
    tracing::info!(user = %user.id, exam_id = %exam.id, "exam detection settings changed");
    Ok(Json(detection_json(&detection, &DetectionDefaults::from_config(&state.config))))
}

fn weights_schema(value: Value) -> Value {
    json!({"type": "object", "properties": {
        "low": value, "medium": value, "high": value, "critical": value}})
}

/// Schema of the `detection` object clients send.
pub fn input_schema() -> Value {
    let weight = json!({"type": ["integer", "null"], "minimum": 0, "maximum": MAX_WEIGHT,
        "description": "Points per anomaly of this severity; null or absent = PROCTORWISE_RISK_WEIGHT_*"});
    json!({"type": "object", "description": "Per-exam detection settings; an absent field takes its default", "properties": {
        "faces": {"type": "boolean", "default": true, "description": "Face checks (no face, several faces)"},
        "objects": {"type": "boolean", "default": true, "description": "Forbidden-object checks"},
        "forbidden_objects": {"type": ["array", "null"], "items": {"type": "string", "description": "One of the 80 COCO labels"},
            "description": "null or absent = PROCTORWISE_FORBIDDEN_OBJECTS; not empty while objects is true"},
        "risk_weights": weights_schema(weight)}})
}

/// Schema of the `detection` object the API returns.
pub fn output_schema() -> Value {
    let mut schema = input_schema();
    schema["properties"]["effective"] = json!({"type": "object", "description": "What applies, defaults filled in", "properties": {
        "forbidden_objects": {"type": "array", "items": {"type": "string"}},
        "risk_weights": weights_schema(json!({"type": "integer"}))}});
    schema
}
