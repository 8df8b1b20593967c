use super::*;

const T0: i64 = 1_765_100_000_000;

fn facts<'a>(kind: &'a str, details: &'a str, ended_after_ms: Option<i64>) -> Facts<'a> {
    // The texts these explanations read (run alone, no other test installs them).
    crate::i18n::install(&[crate::monitoring::explain::messages::MESSAGES, crate::monitoring::messages::MESSAGES]);
    Facts {
        kind,
        details,
        confidence_permille: 900,
        started_at: T0,
        ended_at: ended_after_ms.map(|ms| T0 + ms),
        frame_id: Some("frame-1"),
        client_result: None,
        server_result: None,
    }
}

const TWO_FACES: &str = r#"{"face_count": 2,
    "server": {"faces": [0.88, 0.93], "objects": [["cell phone", 0.2]],
               "models": {"faces": "centerface-640", "objects": "ssd-mobilenet-v2+centernet"},
               "thresholds": {"face": 0.5, "object": 0.3}},
    "browser": {"faces": [0.91, 0.62], "objects": []}}"#;

#[test]
fn two_faces_explain_themselves_in_both_languages() {
    let en = explain(&facts("multiple_faces", TWO_FACES, Some(6_000)), Lang::En);
    assert_eq!(en.reason, "2 faces seen for 6 s");
    assert!(!en.open && en.visual);
    assert_eq!(en.duration_ms, Some(6_000));
    assert_eq!(en.server.as_ref().map(|s| s.faces.clone()), Some(vec![0.93, 0.88]), "best first");
    assert_eq!(en.browser.as_ref().map(|b| b.faces.clone()), Some(vec![0.91, 0.62]));
    assert_eq!(en.browser_flagged, Some(true));
    assert_eq!(en.face_model.as_deref(), Some("centerface-640"));
    assert_eq!(en.object_model.as_deref(), Some("ssd-mobilenet-v2+centernet"));
    assert_eq!((en.face_threshold, en.object_threshold), (Some(0.5), Some(0.3)));
    assert_eq!(en.evidence_frame_id.as_deref(), Some("frame-1"));
    assert_eq!(verdict_text(Lang::En, en.server.as_ref()), "2 faces (0.93, 0.88) · a cell phone 0.20");
    let fr = explain(&facts("multiple_faces", TWO_FACES, Some(6_000)), Lang::Fr);
    assert_eq!(fr.reason, "2 visages vus pendant 6 s");
    assert_eq!(verdict_text(Lang::Fr, fr.browser.as_ref()), "2 visages (0,91 ; 0,62)");
}

#[test]
fn an_open_episode_reads_since() {
    let en = explain(&facts("multiple_faces", TWO_FACES, None), Lang::En);
    assert!(en.open);
    assert_eq!(en.duration_ms, None);
    assert_eq!(en.reason, "2 faces seen since 2025-12-07 09:33 UTC");
    let fr = explain(&facts("face_absent", "{}", None), Lang::Fr);
    assert_eq!(fr.reason, "aucun visage depuis 2025-12-07 09:33 UTC");
}

#[test]
fn a_phone_reads_with_its_score() {
    let details = r#"{"label": "cell phone", "score": 0.71, "server": {"faces": [0.9], "objects": [["cell phone", 0.71]]},
        "browser": null}"#;
    let en = explain(&facts("forbidden_object", details, Some(2_000)), Lang::En);
    assert_eq!(en.reason, "a cell phone, score 0.71");
    assert_eq!(en.browser_flagged, Some(false), "the server found it on a sampled frame");
    assert_eq!(en.browser, None, "no browser verdict on the frame: not analysed");
    assert_eq!(verdict_text(Lang::En, en.browser.as_ref()), "not analysed");
    assert_eq!(verdict_text(Lang::En, en.server.as_ref()), "1 face (0.90) · a cell phone 0.71");
    let fr = explain(&facts("forbidden_object", details, Some(2_000)), Lang::Fr);
    assert_eq!(fr.reason, "un téléphone portable, score 0,71");
    assert_eq!(verdict_text(Lang::Fr, fr.browser.as_ref()), "non analysée");
}

#[test]
fn older_rows_use_the_frame_verdicts_and_the_confidence() {
    let mut f = facts("forbidden_object", r#"{"label": "book"}"#, Some(0));
    f.confidence_permille = 820;
    f.client_result = Some(
        r#"{"seq": 4, "analyzed": true, "faces": [{"score": 0.97, "box": [0,0,1,1]}],
            "objects": [{"label": "book", "score": 0.8234, "box": [0,0,1,1]}]}"#,
    );
    let old = explain(&f, Lang::En);
    assert_eq!(old.reason, "a book, score 0.82", "the confidence stands in for the missing score");
    assert_eq!(old.browser_flagged, None);
    assert_eq!(old.browser.as_ref().map(|b| b.objects[0].score), Some(0.823));
    assert_eq!(old.server, None);
    assert_eq!((old.face_model.clone(), old.face_threshold), (None, None));
    f.server_result = Some(
        r#"{"faces": [{"score": 0.95, "box": [0,0,1,1]}], "objects": [{"label": "book", "score": 0.66, "box": [0,0,1,1]}],
            "width": 640, "height": 480, "ms": 80}"#,
    );
    let verified = explain(&f, Lang::Fr);
    assert_eq!(verified.server.as_ref().map(|s| s.objects[0].label.as_str()), Some("book"));
    assert_eq!(verdict_text(Lang::Fr, verified.server.as_ref()), "1 visage (0,95) · un livre 0,66");
    f.client_result = Some(r#"{"seq": 5, "analyzed": false}"#);
    assert_eq!(explain(&f, Lang::En).browser, None, "a frame the browser could not analyse");
}

#[test]
fn rule_kinds_read_in_plain_words() {
    let cases = [
        ("face_absent", "{}", Some(8_000), "no face for 8 s", "aucun visage pendant 8 s"),
        ("tab_change", "{}", Some(12_000), "exam tab hidden for 12 s", "onglet de l'examen masqué pendant 12 s"),
        ("connection_lost", "{}", Some(9_000), "no frame for 9 s", "aucune image pendant 9 s"),
        ("webcam_disabled", "{}", None, "camera refused", "caméra refusée"),
        ("webcam_disabled", "{}", Some(65_000), "camera off for 1 min 05 s", "caméra coupée pendant 1 min 05 s"),
        (
            "monitoring_incomplete",
            r#"{"reason": "withheld", "count": 3}"#,
            None,
            "monitoring incomplete: 3 requested pictures withheld",
            "surveillance incomplète : 3 images demandées non envoyées",
        ),
        (
            "monitoring_incomplete",
            r#"{"reason": "inconsistent", "count": 2}"#,
            None,
            "monitoring incomplete: 2 pictures contradict the browser's verdicts",
            "surveillance incomplète : 2 images contredisent les verdicts du navigateur",
        ),
        (
            "monitoring_incomplete",
            r#"{"reason": "no_picture", "count": 40}"#,
            None,
            "monitoring incomplete: verdicts without any usable picture",
            "surveillance incomplète : des verdicts sans aucune image exploitable",
        ),
        (
            "high_risk_alert",
            r#"{"critical_count": 3}"#,
            None,
            "3 critical anomalies within a minute",
            "3 anomalies critiques en une minute",
        ),
    ];
    for (kind, details, ended, en, fr) in cases {
        let f = facts(kind, details, ended);
        assert_eq!(explain(&f, Lang::En).reason, en, "{kind} {details}");
        assert_eq!(explain(&f, Lang::Fr).reason, fr, "{kind} {details}");
        assert_eq!(explain(&f, Lang::En).visual, kind == "face_absent", "{kind}");
    }
    assert_eq!(explain(&facts("something_new", "{}", None), Lang::En).reason, "something_new");
    assert_eq!(object_name(Lang::Fr, "remote"), "un objet « remote »");
}

#[test]
fn broken_details_still_explain() {
    let e = explain(&facts("multiple_faces", "not json", Some(1_000)), Lang::En);
    assert_eq!(e.reason, "2+ faces seen for 1 s");
    assert_eq!((e.browser.clone(), e.server.clone(), e.browser_flagged), (None, None, None));
}
