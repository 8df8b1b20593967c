//! The rules engine: pure, server-authoritative, driven by a clock given by the caller. Its
//! state is plain data (stored as JSON on the session row, so an absence that began before a
//! restart still counts). A condition that persists is one episode: one anomaly, opened when the
//! condition has held long enough and closed (with its end time) once it has been gone for the
//! cooldown, so a flapping condition does not produce a storm.

use serde_json::{Value, json};

use super::model::{Kind, Severity};
mod types;

pub use types::*;

struct Spec {
    key: String,
    kind: Kind,
    severity: Severity,
    min_ms: i64,
    details: Value,
    from_detector: bool,
}

/// Applies one input at time `now`; `new_id` names new anomalies.
pub fn step(
    state: &mut RuleState,
    cfg: &RuleConfig,
    input: &Input<'_>,
    now: i64,
    new_id: &mut dyn FnMut() -> String,
) -> Vec<Action> {
    let mut out = Vec::new();
    match input {
        Input::Heartbeat => set(state, &conn_spec(cfg), false, now, 1.0, None, new_id, &mut out),
        Input::Seen(obs) => seen(state, cfg, obs, now, new_id, &mut out),
        Input::Browser(event) => {
            let (spec, on) = match event {
                BrowserEvent::TabHidden => (tab_spec(), true),
                BrowserEvent::TabVisible => (tab_spec(), false),
                BrowserEvent::WebcamDisabled => (webcam_spec(), true),
                BrowserEvent::WebcamRestored => (webcam_spec(), false),
                BrowserEvent::DetectorUnavailable => return settle(state, cfg, now, out),
            };
            set(state, &spec, on, now, 1.0, None, new_id, &mut out);
        }
        Input::Incomplete { reason, count } => {
            let spec = Spec {
                key: format!("incomplete:{reason}"),
                kind: Kind::MonitoringIncomplete,
                severity: Severity::High,
                min_ms: 0,
                details: json!({"reason": reason, "count": count}),
                from_detector: false,
            };
            set(state, &spec, true, now, 1.0, None, new_id, &mut out);
        }
        Input::Tick { last_frame_at } => {
            let silent = now - last_frame_at > cfg.lost_after_intervals * cfg.frame_interval_ms;
            if silent {
                let spec = conn_spec(cfg);
                let since = *last_frame_at;
                state.tracks.entry(spec.key.clone()).or_insert(Track { since, last_seen: since, ..Track::default() });
                set(state, &spec, true, now, 1.0, None, new_id, &mut out);
            }
        }
    }
    high_risk(state, cfg, now, new_id, &mut out);
    settle(state, cfg, now, out)
}

fn seen(
    state: &mut RuleState,
    cfg: &RuleConfig,
    obs: &Observation,
    now: i64,
    new_id: &mut dyn FnMut() -> String,
    out: &mut Vec<Action>,
) {
    if state.last_seen_at.is_some_and(|t| now < t) {
        return;
    }
    state.last_seen_at = Some(now);
    let faces: Vec<f32> = obs.faces.iter().copied().filter(|s| *s >= cfg.face_threshold).collect();
    let frame = obs.frame_id.as_deref();
    if cfg.check_faces {
        seen_faces(state, cfg, &faces, now, frame, new_id, out);
    }
    if obs.faces_only {
        return;
    }
    seen_objects(state, cfg, obs, now, frame, new_id, out);
}

fn seen_faces(
    state: &mut RuleState,
    cfg: &RuleConfig,
    faces: &[f32],
    now: i64,
    frame: Option<&str>,
    new_id: &mut dyn FnMut() -> String,
    out: &mut Vec<Action>,
) {
    let absent = Spec {
        key: "face_absent".into(),
        kind: Kind::FaceAbsent,
        severity: Severity::High,
        min_ms: cfg.face_absent_after_ms,
        details: json!({}),
        from_detector: true,
    };
    set(state, &absent, faces.is_empty(), now, 1.0, frame, new_id, out);
    let many = Spec {
        key: "multiple_faces".into(),
        kind: Kind::MultipleFaces,
        severity: Severity::Critical,
        min_ms: 0,
        details: json!({"face_count": faces.len()}),
        from_detector: true,
    };
    let best = faces.iter().copied().fold(0.0_f32, f32::max);
    set(state, &many, faces.len() > 1, now, best, frame, new_id, out);
}

fn seen_objects(
    state: &mut RuleState,
    cfg: &RuleConfig,
    obs: &Observation,
    now: i64,
    frame: Option<&str>,
    new_id: &mut dyn FnMut() -> String,
    out: &mut Vec<Action>,
) {
    for label in &cfg.forbidden_objects {
        let score = obs
            .objects
            .iter()
            .filter(|(l, s)| l == label && *s >= cfg.object_threshold)
            .map(|(_, s)| *s)
            .fold(None, |m: Option<f32>, s| Some(m.map_or(s, |m| m.max(s))));
        let spec = Spec {
            key: format!("object:{label}"),
            kind: Kind::ForbiddenObject,
            severity: Severity::High,
            min_ms: 0,
            details: json!({"label": label, "score": (f64::from(score.unwrap_or(0.0)) * 1000.0).round() / 1000.0}),
            from_detector: true,
        };
        set(state, &spec, score.is_some(), now, score.unwrap_or(0.0), frame, new_id, out);
    }
}

fn tab_spec() -> Spec {
    Spec {
        key: "tab".into(),
        kind: Kind::TabChange,
        severity: Severity::Medium,
        min_ms: 0,
        details: json!({}),
        from_detector: false,
    }
}

fn webcam_spec() -> Spec {
    Spec {
        key: "webcam".into(),
        kind: Kind::WebcamDisabled,
        severity: Severity::Critical,
        min_ms: 0,
        details: json!({}),
        from_detector: false,
    }
}

fn conn_spec(cfg: &RuleConfig) -> Spec {
    Spec {
        key: "connection".into(),
        kind: Kind::ConnectionLost,
        severity: cfg.connection_lost_severity,
        min_ms: 0,
        details: json!({}),
        from_detector: false,
    }
}

/// Moves one condition's track: true starts or continues an episode (opening the anomaly once it
/// held `min_ms`), false starts the cooldown (or forgets an episode never opened).
#[expect(clippy::too_many_arguments, reason = "one private state transition with its inputs")]
fn set(
    state: &mut RuleState,
    spec: &Spec,
    on: bool,
    now: i64,
    confidence: f32,
    frame: Option<&str>,
    new_id: &mut dyn FnMut() -> String,
    out: &mut Vec<Action>,
) {
    if !on {
        match state.tracks.get_mut(&spec.key) {
            Some(t) if t.anomaly_id.is_none() => {
                state.tracks.remove(&spec.key);
            }
            Some(t) => {
                t.cleared_at.get_or_insert(now);
            }
            None => {}
        }
        return;
    }
    let track =
        state.tracks.entry(spec.key.clone()).or_insert(Track { since: now, last_seen: now, ..Track::default() });
    track.last_seen = now;
    track.cleared_at = None;
    track.confidence = track.confidence.max(confidence);
    if track.anomaly_id.is_none() && now - track.since >= spec.min_ms {
        let id = new_id();
        track.anomaly_id = Some(id.clone());
        if spec.severity == Severity::Critical {
            state.criticals.push(now);
        }
        out.push(Action::Open(Opened {
            id,
            kind: spec.kind,
            severity: spec.severity,
            started_at: track.since,
            detected_at: now,
            confidence: confidence.clamp(0.0, 1.0),
            details: spec.details.clone(),
            frame_id: frame.map(str::to_owned),
            from_detector: spec.from_detector,
        }));
    }
}

fn high_risk(
    state: &mut RuleState,
    cfg: &RuleConfig,
    now: i64,
    new_id: &mut dyn FnMut() -> String,
    out: &mut Vec<Action>,
) {
    state.criticals.retain(|t| now - t < cfg.high_risk_window_ms);
    let quiet = state.last_alert_at.is_none_or(|t| now - t >= cfg.high_risk_window_ms);
    if state.criticals.len() >= cfg.high_risk_count && quiet {
        state.last_alert_at = Some(now);
        out.push(Action::Open(Opened {
            id: new_id(),
            kind: Kind::HighRiskAlert,
            severity: Severity::Critical,
            started_at: state.criticals.first().copied().unwrap_or(now),
            detected_at: now,
            confidence: 1.0,
            details: json!({"critical_count": state.criticals.len()}),
            frame_id: None,
            from_detector: false,
        }));
    }
}

/// Ends every episode whose cooldown has run out.
fn settle(state: &mut RuleState, cfg: &RuleConfig, now: i64, mut out: Vec<Action>) -> Vec<Action> {
    let done: Vec<String> = state
        .tracks
        .iter()
        .filter(|(_, t)| t.cleared_at.is_some_and(|c| now - c >= cfg.cooldown_ms))
        .map(|(k, _)| k.clone())
        .collect();
    for key in done {
        if let Some(Track { anomaly_id: Some(id), cleared_at: Some(ended_at), .. }) = state.tracks.remove(&key) {
            out.push(Action::Close { anomaly_id: id, ended_at });
        }
    }
    out
}

/// Ends every open episode (the session stopped at `now`).
pub fn close_all(state: &mut RuleState, now: i64) -> Vec<Action> {
    let tracks = std::mem::take(&mut state.tracks);
    tracks
        .into_values()
        .filter_map(|t| t.anomaly_id.map(|id| Action::Close { anomaly_id: id, ended_at: t.cleared_at.unwrap_or(now) }))
        .collect()
}

/// Whether the server's analysis agrees with at least one of the browser's flags on a frame
/// (no face, several faces, a forbidden object): the browser's flag is then "confirmed",
/// otherwise "rejected" (kept on the frame for statistics, never shown as an anomaly).
pub fn agrees(browser: &Observation, server: &Observation, cfg: &RuleConfig) -> bool {
    let count = |o: &Observation| o.faces.iter().filter(|s| **s >= cfg.face_threshold).count();
    let objects = |o: &Observation| -> Vec<String> {
        o.objects
            .iter()
            .filter(|(l, s)| *s >= cfg.object_threshold && cfg.forbidden_objects.contains(l))
            .map(|(l, _)| l.clone())
            .collect()
    };
    let (b, s) = (count(browser), count(server));
    let faces = (b == 0 && s == 0) || (b > 1 && s > 1);
    let server_objects = objects(server);
    faces || (!server.faces_only && objects(browser).iter().any(|l| server_objects.contains(l)))
}

/// Whether an object condition is being tracked (the server then checks objects on every picture).
pub fn watching_objects(state: &RuleState) -> bool {
    state.tracks.keys().any(|k| k.starts_with("object:"))
}

/// Whether a visual condition (face absent, several faces, an object) is being tracked: the
/// server then asks for every frame's picture until the episode is over, so that it sees the
/// condition end with its own models.
pub fn watching_visual(state: &RuleState) -> bool {
    state.tracks.keys().any(|k| k == "face_absent" || k == "multiple_faces" || k.starts_with("object:"))
}

/// Whether a client verdict shows a forbidden object.
pub fn flags_object(seen: &Observation, cfg: &RuleConfig) -> bool {
    seen.objects.iter().any(|(l, s)| *s >= cfg.object_threshold && cfg.forbidden_objects.contains(l))
}

/// Whether a client verdict flags the frame (so the server should look at it).
pub fn flags(seen: &Observation, cfg: &RuleConfig) -> bool {
    let faces = seen.faces.iter().filter(|s| **s >= cfg.face_threshold).count();
    (cfg.check_faces && faces != 1) || flags_object(seen, cfg)
}

#[cfg(test)]
mod tests;
