//! The single-frame verdict: what one frame alone says against the exam rules (no face, several
//! faces, a forbidden object). Episodes and durations are the server's rules engine's business.

use serde::{Deserialize, Serialize};

use crate::Detections;

/// Confidence thresholds of the verdict (the prototype's values by default).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// A face counts from this score.
    pub face: f32,
    /// A forbidden object counts from this score.
    pub object: f32,
    /// Labels that are forbidden during an exam.
    pub forbidden: Vec<String>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { face: 0.5, object: 0.65, forbidden: vec!["cell phone".into(), "book".into(), "laptop".into()] }
    }
}

/// A single-frame finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// No face at or above the face threshold.
    NoFace,
    /// More than one face.
    MultipleFaces,
    /// A forbidden object at or above the object threshold.
    ForbiddenObject,
}

impl Thresholds {
    /// Faces counted by the verdict.
    pub fn face_count(&self, d: &Detections) -> usize {
        d.faces.iter().filter(|f| f.score >= self.face).count()
    }

    /// Forbidden objects counted by the verdict, best first.
    pub fn forbidden_objects<'a>(&self, d: &'a Detections) -> Vec<&'a crate::Object> {
        d.objects.iter().filter(|o| o.score >= self.object && self.forbidden.iter().any(|f| f == &o.label)).collect()
    }

    /// The flags of one frame, in a fixed order.
    pub fn flags(&self, d: &Detections) -> Vec<Flag> {
        let mut flags = Vec::new();
        match self.face_count(d) {
            0 => flags.push(Flag::NoFace),
            1 => {}
            _ => flags.push(Flag::MultipleFaces),
        }
        if !self.forbidden_objects(d).is_empty() {
            flags.push(Flag::ForbiddenObject);
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Face, Object};

    fn face(score: f32) -> Face {
        Face { score, bbox: [0.0; 4] }
    }

    fn object(label: &str, score: f32) -> Object {
        Object { label: label.into(), score, bbox: [0.0; 4] }
    }

    #[test]
    fn flags_follow_the_thresholds() {
        let t = Thresholds::default();
        let mut d = Detections { faces: vec![face(0.9)], ..Detections::default() };
        assert!(t.flags(&d).is_empty());
        d.faces.push(face(0.4));
        assert!(t.flags(&d).is_empty(), "a face under 0.5 does not count");
        d.faces.push(face(0.6));
        assert_eq!(t.flags(&d), vec![Flag::MultipleFaces]);
        d.faces.clear();
        d.objects = vec![object("cell phone", 0.7), object("cup", 0.99), object("book", 0.5)];
        assert_eq!(t.flags(&d), vec![Flag::NoFace, Flag::ForbiddenObject]);
        assert_eq!(t.forbidden_objects(&d).len(), 1);
        let strict = Thresholds { object: 0.8, ..Thresholds::default() };
        assert_eq!(strict.flags(&d), vec![Flag::NoFace]);
    }

    #[test]
    fn flags_serialise_in_snake_case() {
        let json = serde_json::to_string(&[Flag::NoFace, Flag::MultipleFaces, Flag::ForbiddenObject]).expect("json");
        assert_eq!(json, r#"["no_face","multiple_faces","forbidden_object"]"#);
    }
}
