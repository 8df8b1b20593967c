//! The pure part: an [`Explanation`] from an anomaly row and its evidence frame's verdicts.
//! Rows written before the server confirmed flags (no `server`/`browser` in `details`) explain
//! what they have; nothing here reads the clock or the database.

use serde::Serialize;
use serde_json::Value;

use crate::i18n::Lang;
use crate::monitoring::panels::views::duration;
use crate::views::components::datetime;

/// What an explanation is built from: an anomaly row and its evidence frame's verdicts.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts<'a> {
    /// Stored kind (`multiple_faces`, …).
    pub kind: &'a str,
    /// The `details` JSON.
    pub details: &'a str,
    /// Confidence per mille.
    pub confidence_permille: i64,
    /// Episode start (UTC ms).
    pub started_at: i64,
    /// Episode end; `None` while it lasts.
    pub ended_at: Option<i64>,
    /// Evidence frame.
    pub frame_id: Option<&'a str>,
    /// The evidence frame's browser verdict (JSON as the browser sent it).
    pub client_result: Option<&'a str>,
    /// The evidence frame's server detections (JSON).
    pub server_result: Option<&'a str>,
}

/// An object with its score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectScore {
    /// COCO label.
    pub label: String,
    /// Score in 0..=1.
    pub score: f64,
}

/// What one side (browser or server) saw on the evidence frame.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Verdict {
    /// Face scores, best first.
    pub faces: Vec<f64>,
    /// Objects with their scores, best first.
    pub objects: Vec<ObjectScore>,
}

/// Why an anomaly was raised, in the reader's language, with the facts behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// The reason in plain words ("2 faces seen for 6 s").
    pub reason: String,
    /// Whether the episode still lasts.
    pub open: bool,
    /// Episode length once ended.
    pub duration_ms: Option<i64>,
    /// Whether the kind is judged on pictures (the verdicts matter).
    pub visual: bool,
    /// The browser's verdict (`None`: not analysed).
    pub browser: Option<Verdict>,
    /// Whether the browser flagged it (`None`: not recorded on older rows).
    pub browser_flagged: Option<bool>,
    /// The server's verdict (`None`: not analysed).
    pub server: Option<Verdict>,
    /// The server's face model.
    pub face_model: Option<String>,
    /// The server's object model.
    pub object_model: Option<String>,
    /// Face score threshold used.
    pub face_threshold: Option<f64>,
    /// Object score threshold used.
    pub object_threshold: Option<f64>,
    /// The evidence frame.
    pub evidence_frame_id: Option<String>,
}

const VISUAL: [&str; 3] = ["face_absent", "multiple_faces", "forbidden_object"];

/// Builds the explanation of one anomaly in `lang`.
pub fn explain(f: &Facts<'_>, lang: Lang) -> Explanation {
    let details: Value = serde_json::from_str(f.details).unwrap_or(Value::Null);
    let server_details = details.get("server").filter(|s| s.is_object());
    let server = server_details
        .map(verdict_of)
        .or_else(|| f.server_result.and_then(|r| serde_json::from_str::<Value>(r).ok()).as_ref().map(verdict_of));
    let browser_flagged = details.get("browser").map(Value::is_object);
    let browser = match details.get("browser").filter(|b| b.is_object()) {
        Some(b) => Some(verdict_of(b)),
        None => f.client_result.and_then(|r| serde_json::from_str::<Value>(r).ok()).as_ref().and_then(browser_verdict),
    };
    let text = |key: &str| server_details.and_then(|s| s.pointer(key)).and_then(Value::as_str).map(str::to_owned);
    let number = |key: &str| server_details.and_then(|s| s.pointer(key)).and_then(Value::as_f64).map(round3);
    let open = f.ended_at.is_none();
    Explanation {
        reason: reason(f, &details, server.as_ref(), lang),
        open,
        duration_ms: f.ended_at.map(|end| (end - f.started_at).max(0)),
        visual: VISUAL.contains(&f.kind),
        browser,
        browser_flagged,
        server,
        face_model: text("/models/faces"),
        object_model: text("/models/objects"),
        face_threshold: number("/thresholds/face"),
        object_threshold: number("/thresholds/object"),
        evidence_frame_id: f.frame_id.map(str::to_owned),
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// A score with two decimals, in the reader's notation (`0.71`, `0,71`).
pub fn score_text(lang: Lang, v: f64) -> String {
    let text = format!("{v:.2}");
    if lang == Lang::Fr { text.replace('.', ",") } else { text }
}

/// A face score: a number or `{"score": n}`.
fn score_of(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| v.get("score").and_then(Value::as_f64)).map(round3)
}

/// An object: `["label", score]` or `{"label": …, "score": …}`.
fn object_of(v: &Value) -> Option<ObjectScore> {
    let (label, score) = match v {
        Value::Array(pair) => (pair.first()?.as_str()?, pair.get(1)?.as_f64()?),
        _ => (v.get("label")?.as_str()?, v.get("score")?.as_f64()?),
    };
    Some(ObjectScore { label: label.to_owned(), score: round3(score) })
}

/// Reads `faces` and `objects` in either layout (contract details or detector JSON).
fn verdict_of(v: &Value) -> Verdict {
    let list = |key: &str| v.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    let mut faces: Vec<f64> = list("faces").iter().filter_map(score_of).collect();
    faces.sort_by(|a, b| b.total_cmp(a));
    let mut objects: Vec<ObjectScore> = list("objects").iter().filter_map(object_of).collect();
    objects.sort_by(|a, b| b.score.total_cmp(&a.score));
    Verdict { faces, objects }
}

/// The browser's verdict as it sent it; `None` when its detector did not analyse the frame.
fn browser_verdict(v: &Value) -> Option<Verdict> {
    (v.get("analyzed").and_then(Value::as_bool) != Some(false)).then(|| verdict_of(v))
}

fn count(details: &Value, key: &str) -> Option<i64> {
    details.get(key).and_then(Value::as_i64)
}

/// "… for 6 s" once the episode ended, "… since <start>" while it lasts.
fn lasted(f: &Facts<'_>, lang: Lang, keys: (&'static str, &'static str), extra: &[(&str, &str)]) -> String {
    let (key, name, value) = match f.ended_at {
        Some(end) => (keys.0, "d", duration(end - f.started_at)),
        None => (keys.1, "t", datetime(f.started_at)),
    };
    let mut args: Vec<(&str, &str)> = extra.to_vec();
    args.push((name, &value));
    lang.tf(key, &args)
}

/// The reason in plain words.
fn reason(f: &Facts<'_>, details: &Value, server: Option<&Verdict>, lang: Lang) -> String {
    match f.kind {
        "multiple_faces" => {
            let n = count(details, "face_count")
                .or_else(|| server.map(|s| s.faces.len() as i64).filter(|n| *n > 1))
                .map_or_else(|| "2+".to_owned(), |n| n.to_string());
            lasted(f, lang, ("explain.faces_for", "explain.faces_since"), &[("n", &n)])
        }
        "forbidden_object" => {
            let label = details.get("label").and_then(Value::as_str).unwrap_or_default();
            let score = details
                .get("score")
                .and_then(Value::as_f64)
                .or_else(|| server?.objects.iter().find(|o| o.label == label).map(|o| o.score))
                .unwrap_or(f.confidence_permille as f64 / 1000.0);
            lang.tf("explain.object", &[("object", &object_name(lang, label)), ("score", &score_text(lang, score))])
        }
        "face_absent" => lasted(f, lang, ("explain.no_face_for", "explain.no_face_since"), &[]),
        "tab_change" => lasted(f, lang, ("explain.tab_for", "explain.tab_since"), &[]),
        "connection_lost" => lasted(f, lang, ("explain.no_frame_for", "explain.no_frame_since"), &[]),
        "webcam_disabled" => match f.ended_at.map(|end| end - f.started_at) {
            Some(ms) if ms >= 1000 => lang.tf("explain.camera_off_for", &[("d", &duration(ms))]),
            _ => lang.t("explain.camera_refused").to_owned(),
        },
        "monitoring_incomplete" => {
            let n = count(details, "count").unwrap_or(1).to_string();
            match details.get("reason").and_then(Value::as_str) {
                Some("withheld") => lang.tf("explain.incomplete.withheld", &[("n", &n)]),
                Some("inconsistent") => lang.tf("explain.incomplete.inconsistent", &[("n", &n)]),
                Some("no_picture") => lang.t("explain.incomplete.no_picture").to_owned(),
                _ => lang.t("explain.incomplete").to_owned(),
            }
        }
        "high_risk_alert" => {
            let n = count(details, "critical_count").unwrap_or(0).to_string();
            lang.tf("explain.high_risk", &[("n", &n)])
        }
        other => other.to_owned(),
    }
}

/// "a cell phone", "un téléphone portable"; labels without a translation are quoted.
pub fn object_name(lang: Lang, label: &str) -> String {
    match label {
        "cell phone" => lang.t("explain.obj.phone").to_owned(),
        "book" => lang.t("explain.obj.book").to_owned(),
        "laptop" => lang.t("explain.obj.laptop").to_owned(),
        other => lang.tf("explain.obj.other", &[("label", other)]),
    }
}

/// One side's verdict in words: "2 faces (0.93, 0.88) · a cell phone 0.71", or "not analysed".
pub fn verdict_text(lang: Lang, v: Option<&Verdict>) -> String {
    let Some(v) = v else { return lang.t("explain.not_analysed").to_owned() };
    let separator = if lang == Lang::Fr { " ; " } else { ", " };
    let scores = |s: &[f64]| s.iter().map(|x| score_text(lang, *x)).collect::<Vec<_>>().join(separator);
    let mut parts = vec![match v.faces.len() {
        0 => lang.t("explain.v.no_face").to_owned(),
        1 => lang.tf("explain.v.one_face", &[("scores", &scores(&v.faces))]),
        n => lang.tf("explain.v.faces", &[("n", &n.to_string()), ("scores", &scores(&v.faces))]),
    }];
    parts.extend(v.objects.iter().map(|o| format!("{} {}", object_name(lang, &o.label), score_text(lang, o.score))));
    parts.join(" · ")
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
