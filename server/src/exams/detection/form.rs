//! Raw input of the "Monitoring" part of the exam form (and of the API's `detection` object) and
//! its validation into an [`ExamDetection`]. Errors are i18n keys per field, as in `exams::forms`.

use wasm_detector::labels::COCO80;

use super::{DetectionDefaults, ExamDetection, MAX_WEIGHT};
use crate::exams::forms::{FieldErrors, int_in};
use crate::i18n::Lang;

/// Hidden field that says the form carried the monitoring section: a form without it (an older
/// page, a script posting only the other settings) leaves the exam's detection settings alone,
/// instead of reading the absent check boxes as "off".
pub const MARKER: &str = "detection";
/// Check box of the face checks.
pub const FACES: &str = "detect_faces";
/// Check box of the object checks.
pub const OBJECTS: &str = "detect_objects";
/// Repeated field, one per ticked label.
pub const LABELS: &str = "forbidden_objects";
/// Number fields of the weights, in the order of [`super::SEVERITIES`].
pub const WEIGHTS: [&str; 4] = ["risk_weight_low", "risk_weight_medium", "risk_weight_high", "risk_weight_critical"];

/// Error key: a label that is not one of the detector's 80.
pub const UNKNOWN_LABEL: &str = "editor.error.forbidden_unknown";
/// Error key: object checks on and no label ticked.
pub const NO_LABEL: &str = "editor.error.forbidden_empty";
/// Error key: a weight outside 0–100.
pub const BAD_WEIGHT: &str = "editor.error.risk_weight";

/// The monitoring settings as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectionForm {
    /// Face checks ticked.
    pub faces: bool,
    /// Object checks ticked.
    pub objects: bool,
    /// Ticked labels; `None` (API only: `null` or absent) = the default list.
    pub forbidden_objects: Option<Vec<String>>,
    /// Weights as typed (low, medium, high, critical); empty = the default.
    pub risk_weights: [String; 4],
}

impl DetectionForm {
    /// The section of urlencoded pairs, or `None` when the form did not carry it.
    pub fn from_pairs(pairs: &[(String, String)]) -> Option<Self> {
        if !pairs.iter().any(|(k, _)| k == MARKER) {
            return None;
        }
        let mut form = Self {
            faces: false,
            objects: false,
            forbidden_objects: Some(Vec::new()),
            risk_weights: Default::default(),
        };
        for (k, v) in pairs {
            match k.as_str() {
                FACES => form.faces = true,
                OBJECTS => form.objects = true,
                LABELS => form.forbidden_objects.get_or_insert_with(Vec::new).push(v.clone()),
                _ => {
                    if let Some(i) = WEIGHTS.iter().position(|w| w == k) {
                        form.risk_weights[i].clone_from(v);
                    }
                }
            }
        }
        Some(form)
    }

    /// The form showing stored settings: an exam without its own list has the default ticked.
    pub fn from_detection(d: &ExamDetection, default_labels: &[String]) -> Self {
        Self {
            faces: d.faces,
            objects: d.objects,
            forbidden_objects: Some(d.forbidden_objects_or(default_labels).to_vec()),
            risk_weights: d.risk_weights.map(|w| w.map(|n| n.to_string()).unwrap_or_default()),
        }
    }

    /// The settings of a submitted page. The page ticks the default list for an exam without
    /// its own, so a ticked list equal to the default stays "follow the default".
    pub fn validate(&self, defaults: &DetectionDefaults) -> Result<ExamDetection, FieldErrors> {
        let mut d = ExamDetection::try_from(self)?;
        if d.forbidden_objects.as_deref().is_some_and(|l| same_labels(l, &defaults.forbidden_objects)) {
            d.forbidden_objects = None;
        }
        Ok(d)
    }

    /// Whether `label` is ticked.
    pub fn has_label(&self, label: &str) -> bool {
        self.forbidden_objects.iter().flatten().any(|l| l.trim().eq_ignore_ascii_case(label))
    }

    /// The typed labels the detector does not know, as typed.
    pub fn unknown_labels(&self) -> Vec<&str> {
        self.forbidden_objects.iter().flatten().map(|l| l.trim()).filter(|l| coco(l).is_none()).collect()
    }

    /// The text of an error key for this input (an unknown label is named).
    pub fn error_text(&self, lang: Lang, key: &'static str) -> String {
        let quoted: Vec<String> = self.unknown_labels().iter().map(|l| format!("“{l}”")).collect();
        lang.tf(key, &[("labels", &quoted.join(", "))])
    }
}

/// The COCO label spelled `raw` (case-insensitive).
fn coco(raw: &str) -> Option<&'static str> {
    COCO80.iter().copied().find(|l| l.eq_ignore_ascii_case(raw.trim()))
}

fn same_labels(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|l| b.contains(l))
}

impl TryFrom<&DetectionForm> for ExamDetection {
    type Error = FieldErrors;

    /// Known labels only (deduplicated, in the order given); at least one while object checks
    /// run; weights are whole numbers from 0 to 100 or empty.
    fn try_from(form: &DetectionForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut labels: Vec<String> = Vec::new();
        for raw in form.forbidden_objects.iter().flatten() {
            match coco(raw) {
                Some(l) if !labels.iter().any(|x| x == l) => labels.push(l.to_owned()),
                Some(_) => {}
                None => {
                    errors.insert(LABELS, UNKNOWN_LABEL);
                }
            }
        }
        if form.objects && form.forbidden_objects.is_some() && labels.is_empty() && errors.is_empty() {
            errors.insert(LABELS, NO_LABEL);
        }
        let mut risk_weights = [None; 4];
        for (i, raw) in form.risk_weights.iter().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            match int_in(raw, 0, MAX_WEIGHT) {
                Some(n) => risk_weights[i] = Some(n),
                None => {
                    errors.insert(WEIGHTS[i], BAD_WEIGHT);
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let forbidden_objects = (!labels.is_empty()).then_some(labels);
        Ok(Self { faces: form.faces, objects: form.objects, forbidden_objects, risk_weights })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn defaults() -> DetectionDefaults {
        DetectionDefaults {
            forbidden_objects: vec!["cell phone".into(), "book".into(), "laptop".into()],
            risk_weights: [2, 5, 15, 30],
        }
    }

    #[test]
    fn a_form_without_the_section_changes_nothing() {
        assert_eq!(DetectionForm::from_pairs(&pairs(&[("title", "T")])), None);
        let off = DetectionForm::from_pairs(&pairs(&[(MARKER, "1")])).expect("section");
        assert!(!off.faces && !off.objects);
        assert_eq!(off.validate(&defaults()), Ok(ExamDetection { faces: false, objects: false, ..Default::default() }));
    }

    #[test]
    fn labels_and_weights_are_read_and_checked() {
        let form = DetectionForm::from_pairs(&pairs(&[
            (MARKER, "1"),
            (FACES, "on"),
            (OBJECTS, "on"),
            (LABELS, "Remote"),
            (LABELS, "cell phone"),
            (LABELS, "remote"),
            ("risk_weight_medium", " 0 "),
            ("risk_weight_critical", "100"),
        ]))
        .expect("section");
        let d = form.validate(&defaults()).expect("valid");
        assert_eq!(d.forbidden_objects.as_deref(), Some(&["remote".to_owned(), "cell phone".into()][..]));
        assert_eq!(d.risk_weights, [None, Some(0), None, Some(100)]);
        assert!(d.faces && d.objects);
    }

    #[test]
    fn the_default_list_ticked_stays_the_default() {
        let shown = DetectionForm::from_detection(&ExamDetection::default(), &defaults().forbidden_objects);
        assert!(shown.has_label("book") && !shown.has_label("person"));
        assert_eq!(shown.validate(&defaults()), Ok(ExamDetection::default()));
        // The API's explicit list is kept as given.
        assert_eq!(
            ExamDetection::try_from(&shown).map(|d| d.forbidden_objects),
            Ok(Some(defaults().forbidden_objects))
        );
    }

    #[test]
    fn errors_name_the_field_and_the_unknown_labels() {
        // The texts are the context's own catalogue (run alone, no other test installs them).
        crate::i18n::install(&[super::super::messages::MESSAGES]);
        let mut form = DetectionForm {
            faces: true,
            objects: true,
            forbidden_objects: Some(vec!["smartphone".into(), "book".into()]),
            risk_weights: ["-1".into(), "101".into(), "2.5".into(), "".into()],
        };
        let errors = ExamDetection::try_from(&form).expect_err("invalid");
        assert_eq!(errors.get(LABELS), Some(&UNKNOWN_LABEL));
        assert_eq!(errors.keys().filter(|k| k.starts_with("risk_weight_")).count(), 3);
        assert!(form.error_text(Lang::En, UNKNOWN_LABEL).contains("“smartphone”"));
        form.forbidden_objects = Some(Vec::new());
        form.risk_weights = Default::default();
        assert_eq!(ExamDetection::try_from(&form).expect_err("empty").get(LABELS), Some(&NO_LABEL));
        form.objects = false;
        assert_eq!(ExamDetection::try_from(&form).map(|d| d.forbidden_objects), Ok(None));
    }
}
