//! Two object models, one list: how the server combines the findings of two independent
//! detectors (SSD-MobileNet-v2 and CenterNet) so that neither one alone decides. The rule is
//! chosen by measurement (models/README.md, "Fusion").

use std::str::FromStr;

use crate::Object;

/// Boxes of two models overlapping at least this much (intersection over union) show the same
/// object.
pub const SAME_OBJECT_IOU: f32 = 0.2;

/// Each model of a fusion lists objects from this score (the evaluation's floor), so that an
/// object one model sees weakly still pairs with the other model's finding.
pub const FUSION_FLOOR: f32 = 0.15;

/// How two models' objects are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fusion {
    /// Every object either model sees; where both see it, the better score.
    Max,
    /// Only objects both models see (same label, overlapping boxes), scored by the lower of the
    /// two: an object counts at threshold `t` when both models score it at least `t`.
    Both,
    /// Every object, scored by the mean of the two models' scores (0 for a model that missed it).
    Mean,
}

impl Fusion {
    /// Short name for reports and configuration.
    pub fn name(self) -> &'static str {
        match self {
            Self::Max => "max",
            Self::Both => "both",
            Self::Mean => "mean",
        }
    }
}

impl FromStr for Fusion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "max" => Ok(Self::Max),
            "both" => Ok(Self::Both),
            "mean" => Ok(Self::Mean),
            other => Err(format!("unknown object fusion `{other}` (max, both, mean)")),
        }
    }
}

fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let area = |r: &[f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    let union = area(a) + area(b) - w * h;
    if union <= 0.0 { 0.0 } else { w * h / union }
}

/// Combines the objects of two models (each list best first, boxes in the same frame's
/// pixels) under `rule`; the result is best first. Each object of `a` is paired with the
/// best-scoring unpaired object of `b` of the same label overlapping it.
pub fn fuse(a: &[Object], b: &[Object], rule: Fusion) -> Vec<Object> {
    let mut paired = vec![false; b.len()];
    let mut out = Vec::new();
    for x in a {
        let partner = b
            .iter()
            .enumerate()
            .filter(|(j, y)| !paired[*j] && y.label == x.label && iou(&x.bbox, &y.bbox) >= SAME_OBJECT_IOU)
            .max_by(|p, q| p.1.score.total_cmp(&q.1.score))
            .map(|(j, y)| {
                paired[j] = true;
                y
            });
        let other = partner.map_or(0.0, |y| y.score);
        let score = match rule {
            Fusion::Max => x.score.max(other),
            Fusion::Both if partner.is_none() => continue,
            Fusion::Both => x.score.min(other),
            Fusion::Mean => (x.score + other) / 2.0,
        };
        out.push(Object { score, ..x.clone() });
    }
    for (y, _) in b.iter().zip(&paired).filter(|(_, p)| !**p) {
        match rule {
            Fusion::Max => out.push(y.clone()),
            Fusion::Both => {}
            Fusion::Mean => out.push(Object { score: y.score / 2.0, ..y.clone() }),
        }
    }
    out.sort_by(|p, q| q.score.total_cmp(&p.score));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(label: &str, score: f32, x: f32) -> Object {
        Object { label: label.into(), score, bbox: [x, 0.0, x + 10.0, 10.0] }
    }

    fn scores(v: &[Object]) -> Vec<(&str, f32)> {
        v.iter().map(|o| (o.label.as_str(), o.score)).collect()
    }

    #[test]
    fn max_keeps_everything_with_the_better_score() {
        let a = [obj("cell phone", 0.4, 0.0), obj("book", 0.3, 50.0)];
        let b = [obj("cell phone", 0.7, 1.0), obj("laptop", 0.5, 100.0)];
        assert_eq!(scores(&fuse(&a, &b, Fusion::Max)), [("cell phone", 0.7), ("laptop", 0.5), ("book", 0.3)]);
    }

    #[test]
    fn both_needs_the_same_label_at_the_same_place() {
        let a = [obj("cell phone", 0.4, 0.0), obj("book", 0.9, 50.0), obj("laptop", 0.8, 100.0)];
        let b = [obj("cell phone", 0.7, 1.0), obj("book", 0.9, 200.0), obj("cup", 0.8, 100.0)];
        assert_eq!(scores(&fuse(&a, &b, Fusion::Both)), [("cell phone", 0.4)], "book elsewhere, cup is not a laptop");
    }

    #[test]
    fn mean_halves_what_one_model_alone_sees() {
        let a = [obj("cell phone", 0.4, 0.0)];
        let b = [obj("cell phone", 0.8, 1.0), obj("book", 0.6, 50.0)];
        let got = fuse(&a, &b, Fusion::Mean);
        assert_eq!(got.len(), 2);
        assert!((got[0].score - 0.6).abs() < 1e-6 && (got[1].score - 0.3).abs() < 1e-6, "{got:?}");
    }

    #[test]
    fn a_partner_is_used_once() {
        let a = [obj("cell phone", 0.5, 0.0), obj("cell phone", 0.45, 2.0)];
        let b = [obj("cell phone", 0.6, 1.0)];
        assert_eq!(fuse(&a, &b, Fusion::Both).len(), 1);
        assert_eq!("BOTH".parse(), Ok(Fusion::Both));
        assert!("vote".parse::<Fusion>().is_err());
    }
}
