//! Every rule, episode and window, on a fake clock.

use super::*;

/// A fake clock and an engine state: inputs at chosen times, deterministic anomaly ids.
struct Sim {
    state: RuleState,
    cfg: RuleConfig,
    now: i64,
    next: u32,
}

impl Sim {
    fn new() -> Self {
        Self { state: RuleState::default(), cfg: RuleConfig::default(), now: 1_000_000, next: 0 }
    }

    fn at(&mut self, ms: i64, input: &Input<'_>) -> Vec<Action> {
        self.now = 1_000_000 + ms;
        let mut n = self.next;
        let actions = step(&mut self.state, &self.cfg, input, self.now, &mut || {
            n += 1;
            format!("a{n}")
        });
        self.next = n;
        // The state survives a restart: what is stored is all there is.
        let stored = serde_json::to_string(&self.state).expect("json");
        self.state = serde_json::from_str(&stored).expect("state");
        actions
    }

    fn frame(&mut self, ms: i64, faces: &[f32], objects: &[(&str, f32)]) -> Vec<Action> {
        let obs = Observation {
            faces: faces.to_vec(),
            objects: objects.iter().map(|(l, s)| ((*l).to_owned(), *s)).collect(),
            frame_id: Some(format!("f{ms}")),
            faces_only: false,
        };
        let mut out = self.at(ms, &Input::Heartbeat);
        out.extend(self.at(ms, &Input::Seen(&obs)));
        out
    }
}

fn opened(actions: &[Action]) -> Vec<&Opened> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Open(o) => Some(o),
            Action::Close { .. } => None,
        })
        .collect()
}

fn closed(actions: &[Action]) -> Vec<(String, i64)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Close { anomaly_id, ended_at } => Some((anomaly_id.clone(), *ended_at)),
            Action::Open(_) => None,
        })
        .collect()
}

#[test]
fn face_absent_needs_five_seconds_and_fires_once_per_episode() {
    let mut s = Sim::new();
    assert!(s.frame(0, &[0.9], &[]).is_empty());
    assert!(s.frame(2_000, &[], &[]).is_empty(), "absence starts");
    assert!(s.frame(4_000, &[], &[]).is_empty(), "2 s: not yet");
    assert!(s.frame(6_000, &[0.3], &[]).is_empty(), "a face below the threshold is no face; 4 s");
    let got = s.frame(8_000, &[], &[]);
    let open = opened(&got);
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].kind, open[0].severity), (Kind::FaceAbsent, Severity::High));
    assert_eq!(open[0].started_at, 1_002_000, "the episode began with the first empty frame");
    assert_eq!(open[0].frame_id.as_deref(), Some("f8000"));
    assert!(open[0].from_detector);
    for t in (10_000..60_000).step_by(2_000) {
        assert!(opened(&s.frame(t, &[], &[])).is_empty(), "one anomaly per episode, not one per frame");
    }
    // The face is back: the episode ends after the cooldown, with its end time.
    assert!(s.frame(60_000, &[0.9], &[]).is_empty());
    assert!(s.frame(68_000, &[0.9], &[]).is_empty(), "cooldown still running");
    assert_eq!(closed(&s.frame(70_000, &[0.9], &[])), vec![("a1".into(), 1_060_000)]);
}

#[test]
fn a_short_absence_is_forgotten() {
    let mut s = Sim::new();
    s.frame(0, &[], &[]);
    s.frame(4_000, &[], &[]);
    assert!(s.frame(4_500, &[0.8], &[]).is_empty());
    assert!(s.state.tracks.is_empty(), "a pending episode that never opened leaves nothing");
    assert!(s.frame(9_000, &[], &[]).is_empty(), "the five seconds start again");
}

#[test]
fn flapping_within_the_cooldown_stays_one_episode() {
    let mut s = Sim::new();
    let first = s.frame(0, &[0.9, 0.8], &[]);
    assert_eq!(opened(&first).len(), 1);
    assert_eq!(opened(&first)[0].kind, Kind::MultipleFaces);
    assert_eq!(opened(&first)[0].severity, Severity::Critical);
    assert_eq!(opened(&first)[0].details["face_count"], 2);
    assert!((opened(&first)[0].confidence - 0.9).abs() < 1e-6);
    for t in [2_000, 6_000, 10_000] {
        assert!(s.frame(t, &[0.9], &[]).is_empty());
        assert!(s.frame(t + 2_000, &[0.9, 0.7], &[]).is_empty(), "back within the cooldown: same episode");
    }
    s.frame(20_000, &[0.9], &[]);
    let end = s.frame(30_000, &[0.9], &[]);
    assert_eq!(closed(&end), vec![("a1".into(), 1_020_000)]);
    assert_eq!(opened(&s.frame(32_000, &[0.9, 0.9], &[])).len(), 1, "a new episode after the end");
}

#[test]
fn forbidden_objects_need_the_threshold_and_carry_their_label() {
    let mut s = Sim::new();
    assert!(s.frame(0, &[0.9], &[("cell phone", 0.6), ("cup", 0.99)]).is_empty(), "0.6 < 0.65; a cup is fine");
    let got = s.frame(2_000, &[0.9], &[("cell phone", 0.7), ("book", 0.9)]);
    let open = opened(&got);
    assert_eq!(open.len(), 2);
    assert!(open.iter().all(|o| o.kind == Kind::ForbiddenObject && o.severity == Severity::High));
    let labels: Vec<_> = open.iter().map(|o| o.details["label"].as_str().unwrap_or_default()).collect();
    assert_eq!(labels, ["cell phone", "book"]);
    assert!(opened(&s.frame(4_000, &[0.9], &[("cell phone", 0.8)])).is_empty());
    let laptop = s.frame(6_000, &[0.9], &[("cell phone", 0.8), ("laptop", 0.66)]);
    assert_eq!(opened(&laptop)[0].details["label"], "laptop");
}

#[test]
fn the_forbidden_list_is_configurable() {
    let mut s = Sim::new();
    s.cfg.forbidden_objects = vec!["remote".into(), "cell phone".into()];
    assert!(s.frame(0, &[0.9], &[("book", 0.9), ("laptop", 0.9)]).is_empty(), "no longer forbidden");
    let got = s.frame(2_000, &[0.9], &[("remote", 0.7), ("book", 0.9)]);
    let labels: Vec<_> = opened(&got).iter().map(|o| o.details["label"].as_str().unwrap_or_default()).collect();
    assert_eq!(labels, ["remote"]);
    let book = Observation { faces: vec![0.9], objects: vec![("book".into(), 0.9)], frame_id: None, faces_only: false };
    let remote =
        Observation { faces: vec![0.9], objects: vec![("remote".into(), 0.9)], frame_id: None, faces_only: false };
    assert!(!flags(&book, &s.cfg), "the server does not re-verify a frame only showing an allowed object");
    assert!(flags(&remote, &s.cfg));
}

#[test]
fn tab_and_webcam_events_are_episodes_with_durations() {
    let mut s = Sim::new();
    let hidden = s.at(0, &Input::Browser(BrowserEvent::TabHidden));
    assert_eq!(opened(&hidden)[0].kind, Kind::TabChange);
    assert_eq!(opened(&hidden)[0].severity, Severity::Medium);
    assert!(!opened(&hidden)[0].from_detector);
    assert!(s.at(500, &Input::Browser(BrowserEvent::TabHidden)).is_empty(), "a repeated event is the same episode");
    assert!(s.at(3_000, &Input::Browser(BrowserEvent::TabVisible)).is_empty());
    assert!(s.at(5_000, &Input::Heartbeat).is_empty());
    assert_eq!(closed(&s.at(13_000, &Input::Heartbeat)), vec![("a1".into(), 1_003_000)], "3 s away");
    let cam = s.at(20_000, &Input::Browser(BrowserEvent::WebcamDisabled));
    assert_eq!((opened(&cam)[0].kind, opened(&cam)[0].severity), (Kind::WebcamDisabled, Severity::Critical));
    assert!(s.at(21_000, &Input::Browser(BrowserEvent::DetectorUnavailable)).is_empty());
    s.at(25_000, &Input::Browser(BrowserEvent::WebcamRestored));
    assert_eq!(closed(&s.at(40_000, &Input::Heartbeat)).len(), 1);
}

#[test]
fn silence_longer_than_three_intervals_is_connection_lost_until_a_frame_arrives() {
    let mut s = Sim::new();
    s.cfg.connection_lost_severity = Severity::High;
    s.cfg.lost_after_intervals = 3;
    s.frame(0, &[0.9], &[]);
    assert!(s.at(6_000, &Input::Tick { last_frame_at: 1_000_000 }).is_empty(), "exactly three intervals");
    let lost = s.at(6_001, &Input::Tick { last_frame_at: 1_000_000 });
    let open = opened(&lost);
    assert_eq!((open[0].kind, open[0].severity), (Kind::ConnectionLost, Severity::High));
    assert_eq!(open[0].started_at, 1_000_000);
    assert!(s.at(8_000, &Input::Tick { last_frame_at: 1_000_000 }).is_empty(), "once per episode");
    assert!(s.frame(30_000, &[0.9], &[]).is_empty());
    assert_eq!(closed(&s.frame(40_000, &[0.9], &[])), vec![("a1".into(), 1_030_000)]);
}

#[test]
fn three_criticals_in_a_minute_raise_one_alert_per_window() {
    let mut s = Sim::new();
    s.frame(0, &[0.9, 0.9], &[]); // critical 1
    s.at(1_000, &Input::Browser(BrowserEvent::WebcamDisabled)); // critical 2
    s.frame(2_000, &[0.9], &[]);
    s.frame(20_000, &[0.9], &[]); // multiple faces ends (cooldown)
    let third = s.frame(30_000, &[0.9, 0.8], &[]); // critical 3, within 60 s of the first
    let kinds: Vec<_> = opened(&third).iter().map(|o| o.kind).collect();
    assert_eq!(kinds, [Kind::MultipleFaces, Kind::HighRiskAlert]);
    let alert = opened(&third)[1];
    assert_eq!(alert.details["critical_count"], 3);
    assert_eq!(alert.started_at, 1_000_000);
    // A fourth critical in the same window: no second alert.
    s.frame(32_000, &[0.9], &[]);
    s.at(33_000, &Input::Browser(BrowserEvent::WebcamRestored));
    s.frame(50_000, &[0.9], &[]);
    let again = s.at(52_000, &Input::Browser(BrowserEvent::WebcamDisabled));
    assert_eq!(opened(&again).iter().map(|o| o.kind).collect::<Vec<_>>(), [Kind::WebcamDisabled]);
}

#[test]
fn two_criticals_do_not_alert_and_old_ones_leave_the_window() {
    let mut s = Sim::new();
    s.frame(0, &[0.9, 0.9], &[]);
    s.at(1_000, &Input::Browser(BrowserEvent::WebcamDisabled));
    s.frame(5_000, &[0.9], &[]);
    s.at(5_000, &Input::Browser(BrowserEvent::WebcamRestored));
    s.frame(20_000, &[0.9], &[]);
    let later = s.frame(70_000, &[0.9, 0.9], &[]);
    assert_eq!(opened(&later).iter().map(|o| o.kind).collect::<Vec<_>>(), [Kind::MultipleFaces]);
}

#[test]
fn late_observations_are_not_replayed() {
    let mut s = Sim::new();
    s.frame(10_000, &[0.9], &[]);
    let obs = Observation { faces: vec![0.9, 0.9], ..Observation::default() };
    assert!(s.at(4_000, &Input::Seen(&obs)).is_empty());
}

#[test]
fn stopping_closes_every_open_episode() {
    let mut s = Sim::new();
    s.frame(0, &[0.9, 0.9], &[("book", 0.9)]);
    s.frame(2_000, &[0.9], &[("book", 0.9)]);
    let mut ends = close_all(&mut s.state, 1_009_000);
    ends.sort_by_key(|a| format!("{a:?}"));
    assert_eq!(
        ends,
        vec![
            Action::Close { anomaly_id: "a1".into(), ended_at: 1_002_000 },
            Action::Close { anomaly_id: "a2".into(), ended_at: 1_009_000 },
        ]
    );
    assert!(s.state.tracks.is_empty());
}

#[test]
fn the_server_agrees_or_disagrees_with_browser_flags() {
    let cfg = RuleConfig::default();
    let two = Observation { faces: vec![0.9, 0.95], ..Observation::default() };
    let one = Observation { faces: vec![0.9], ..Observation::default() };
    let none = Observation::default();
    let phone =
        Observation { faces: vec![0.9], objects: vec![("cell phone".into(), 0.8)], frame_id: None, faces_only: false };
    assert!(agrees(&two, &two, &cfg));
    assert!(!agrees(&two, &one, &cfg), "a second face the server does not see is rejected");
    assert!(agrees(&none, &none, &cfg));
    assert!(!agrees(&none, &one, &cfg));
    assert!(agrees(&phone, &phone, &cfg));
    assert!(!agrees(&phone, &one, &cfg));
    assert!(flags(&two, &cfg) && flags(&none, &cfg) && flags(&phone, &cfg));
    assert!(!flags(&one, &cfg));
    // A faces-only check neither confirms nor clears an object.
    let faces_only = Observation { faces_only: true, ..one.clone() };
    assert!(!agrees(&phone, &faces_only, &cfg));
}

#[test]
fn a_faces_only_observation_leaves_object_episodes_alone() {
    let mut s = Sim::new();
    assert_eq!(opened(&s.frame(1_000, &[0.9], &[("cell phone", 0.9)])).len(), 1);
    let faces_only = Observation { faces: vec![0.9], faces_only: true, ..Observation::default() };
    s.at(20_000, &Input::Seen(&faces_only));
    assert!(s.state.tracks.get("object:cell phone").is_some_and(|t| t.cleared_at.is_none()), "still seen");
    assert!(watching_objects(&s.state));
}

#[test]
fn withheld_pictures_open_one_incomplete_episode() {
    let mut s = Sim::new();
    let first = s.at(1_000, &Input::Incomplete { reason: "withheld", count: 3 });
    assert_eq!(opened(&first).len(), 1);
    assert_eq!(opened(&first)[0].kind, Kind::MonitoringIncomplete);
    assert!(opened(&s.at(5_000, &Input::Incomplete { reason: "withheld", count: 4 })).is_empty());
    assert_eq!(opened(&s.at(6_000, &Input::Incomplete { reason: "inconsistent", count: 2 })).len(), 1);
}

#[test]
fn a_tracked_visual_condition_keeps_the_server_watching() {
    let mut s = Sim::new();
    assert!(!watching_visual(&s.state));
    s.frame(1_000, &[], &[]);
    assert!(watching_visual(&s.state), "the first server-seen absence starts the watch");
    s.frame(3_000, &[0.9], &[]);
    s.frame(30_000, &[0.9], &[]);
    assert!(!watching_visual(&s.state), "a short absence is forgotten at once");
}
