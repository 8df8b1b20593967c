//! Per-exam detection settings: which visual checks run, the forbidden objects and the risk
//! weights. An exam that has not overridden a setting follows the environment default
//! (`PROCTORWISE_FORBIDDEN_OBJECTS`, `PROCTORWISE_RISK_WEIGHT_*`); the database stores NULL for
//! "default" so that a later change of the default reaches every such exam.

pub mod api;
pub mod form;
pub mod messages;
pub mod queries;
pub mod views;

pub use queries::{detection_settings, detection_settings_in, save_detection};

use crate::config::Config;

/// Severities of the risk weights, in the order of every `[_; 4]` in this module.
pub const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];

/// Largest risk weight an exam may set (the risk score itself is capped at 100).
pub const MAX_WEIGHT: i64 = 100;

/// An exam's own detection settings. `None` means "the environment default".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamDetection {
    /// Whether face checks (no face, several faces) run.
    pub faces: bool,
    /// Whether forbidden-object checks run.
    pub objects: bool,
    /// The exam's forbidden COCO labels (validated, never empty), or the default list.
    pub forbidden_objects: Option<Vec<String>>,
    /// Risk weight per severity (low, medium, high, critical; 0–100), each one or its default.
    pub risk_weights: [Option<i64>; 4],
}

impl Default for ExamDetection {
    /// Every check on, every value the environment default.
    fn default() -> Self {
        Self { faces: true, objects: true, forbidden_objects: None, risk_weights: [None; 4] }
    }
}

/// The environment defaults an exam falls back on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectionDefaults {
    /// `PROCTORWISE_FORBIDDEN_OBJECTS`.
    pub forbidden_objects: Vec<String>,
    /// `PROCTORWISE_RISK_WEIGHT_LOW` … `_CRITICAL`.
    pub risk_weights: [i64; 4],
}

impl DetectionDefaults {
    /// The defaults of a running server.
    pub fn from_config(config: &Config) -> Self {
        let w = &config.monitoring().weights;
        Self {
            forbidden_objects: config.monitoring().rules.forbidden_objects.clone(),
            risk_weights: [w.low, w.medium, w.high, w.critical],
        }
    }
}

/// What applies to an exam once its defaults are filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectiveDetection {
    /// Face checks run.
    pub faces: bool,
    /// Object checks run.
    pub objects: bool,
    /// Forbidden COCO labels.
    pub forbidden_objects: Vec<String>,
    /// Risk weights: low, medium, high, critical.
    pub risk_weights: [i64; 4],
}

impl ExamDetection {
    /// The forbidden labels that apply: the exam's own, else the default.
    pub fn forbidden_objects_or<'a>(&'a self, default: &'a [String]) -> &'a [String] {
        self.forbidden_objects.as_deref().unwrap_or(default)
    }

    /// The risk weights that apply (low, medium, high, critical), each the exam's or its default.
    pub fn risk_weights_over(&self, default: [i64; 4]) -> [i64; 4] {
        std::array::from_fn(|i| self.risk_weights[i].unwrap_or(default[i]))
    }

    /// Every setting with its default filled in.
    pub fn resolve(&self, defaults: &DetectionDefaults) -> EffectiveDetection {
        EffectiveDetection {
            faces: self.faces,
            objects: self.objects,
            forbidden_objects: self.forbidden_objects_or(&defaults.forbidden_objects).to_vec(),
            risk_weights: self.risk_weights_over(defaults.risk_weights),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_only_what_the_exam_left_open() {
        let defaults = DetectionDefaults {
            forbidden_objects: vec!["cell phone".into(), "book".into()],
            risk_weights: [2, 5, 15, 30],
        };
        let own = ExamDetection {
            faces: false,
            objects: true,
            forbidden_objects: Some(vec!["laptop".into()]),
            risk_weights: [None, Some(0), None, Some(50)],
        };
        let effective = own.resolve(&defaults);
        assert_eq!(effective.risk_weights, [2, 0, 15, 50]);
        assert_eq!(effective.forbidden_objects, ["laptop"]);
        assert!(!effective.faces && effective.objects);
        let plain = ExamDetection::default().resolve(&defaults);
        assert_eq!((plain.forbidden_objects, plain.risk_weights), (defaults.forbidden_objects, [2, 5, 15, 30]));
        assert!(plain.faces && plain.objects);
    }
}
