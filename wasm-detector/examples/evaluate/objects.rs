//! Forbidden-object precision and recall per label, for each model alone and each fusion rule.

use wasm_detector::fusion::{Fusion, fuse};
use wasm_detector::{Detections, Object};

use crate::cases::{Case, LABELS};

/// Thresholds the object figures are given at.
pub const THRESHOLDS: [f32; 7] = [0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.65];

/// How the server's objects are obtained from the two models' lists.
#[derive(Clone, Copy)]
pub enum Rule {
    Ssd,
    CenterNet,
    Fused(Fusion),
}

impl Rule {
    pub const ALL: [Rule; 5] =
        [Rule::CenterNet, Rule::Ssd, Rule::Fused(Fusion::Max), Rule::Fused(Fusion::Both), Rule::Fused(Fusion::Mean)];

    pub fn name(self) -> String {
        match self {
            Rule::Ssd => "SSD alone".into(),
            Rule::CenterNet => "CenterNet alone".into(),
            Rule::Fused(f) => format!("fusion `{}` (SSD, CenterNet)", f.name()),
        }
    }

    pub fn apply(self, ssd: &Detections, centernet: &Detections) -> Vec<Object> {
        match self {
            Rule::Ssd => ssd.objects.clone(),
            Rule::CenterNet => centernet.objects.clone(),
            Rule::Fused(f) => fuse(&ssd.objects, &centernet.objects, f),
        }
    }
}

fn best(objects: &[Object], label: &str) -> f32 {
    objects.iter().filter(|o| o.label == label).map(|o| o.score).fold(0.0, f32::max)
}

fn ratio(n: usize, d: usize) -> String {
    if d == 0 { "–".into() } else { format!("{:.0} % ({n}/{d})", 100.0 * n as f64 / d as f64) }
}

/// One Markdown table per rule: per threshold, P/R of each label and the images without any
/// forbidden object that were flagged (false accusations).
pub fn report(cases: &[Case], results: &[(Detections, Detections)]) {
    for rule in Rule::ALL {
        println!("\n{} — {} images:\n", rule.name(), cases.len());
        println!("| threshold | phone P | phone R | book P | book R | laptop P | laptop R | clean images flagged |");
        println!("|---|---|---|---|---|---|---|---|");
        let fused: Vec<Vec<Object>> = results.iter().map(|(s, c)| rule.apply(s, c)).collect();
        for t in THRESHOLDS {
            let mut cells = Vec::new();
            for label in LABELS {
                let (mut tp, mut fp, mut fne) = (0, 0, 0);
                for (case, objects) in cases.iter().zip(&fused) {
                    match (best(objects, label) >= t, case.objects.iter().any(|o| o == label)) {
                        (true, true) => tp += 1,
                        (true, false) => fp += 1,
                        (false, true) => fne += 1,
                        _ => {}
                    }
                }
                cells.push(ratio(tp, tp + fp));
                cells.push(ratio(tp, tp + fne));
            }
            let clean: Vec<&Vec<Object>> =
                cases.iter().zip(&fused).filter(|(c, _)| c.objects.is_empty()).map(|(_, o)| o).collect();
            let flagged = clean.iter().filter(|o| LABELS.iter().any(|l| best(o, l) >= t)).count();
            println!("| {t:.2} | {} | {flagged}/{} |", cells.join(" | "), clean.len());
        }
    }
}

/// The best score per forbidden label of each model, per image (for the per-image table).
pub fn scores(d: &Detections) -> String {
    LABELS.iter().map(|l| format!("{:.2}", best(&d.objects, l))).collect::<Vec<_>>().join("/")
}
