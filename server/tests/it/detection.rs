//! `proctorwise detect --json`: the server's full models on image files, through the real binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models")
}

fn photo(name: &str) -> PathBuf {
    let p = models().join("eval/images").join(name);
    assert!(p.exists(), "{} is missing: run models/fetch.sh images", p.display());
    p
}

fn detect(args: &[&str], images: &[PathBuf]) -> (i32, Vec<Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_proctorwise"))
        .arg("detect")
        .args(args)
        .args(images)
        .env("PROCTORWISE_MODELS_DIR", models())
        .output()
        .expect("run proctorwise detect");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let lines = stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect();
    (out.status.code().unwrap_or(-1), lines)
}

fn flags(v: &Value) -> Vec<&str> {
    v["flags"].as_array().expect("flags").iter().filter_map(Value::as_str).collect()
}

#[test]
fn json_reports_faces_objects_and_flags_per_image() {
    let (code, lines) = detect(&["--json"], &[photo("astronaut.png"), photo("zidane.jpg"), photo("coffee.png")]);
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 3);
    let [astronaut, zidane, coffee] = [&lines[0], &lines[1], &lines[2]];
    assert!(astronaut["image"].as_str().unwrap_or_default().ends_with("astronaut.png"));
    assert_eq!(astronaut["faces"].as_array().map(Vec::len), Some(1), "{astronaut}");
    let face = &astronaut["faces"][0];
    assert!(face["score"].as_f64().unwrap_or(0.0) >= 0.5);
    let b: Vec<f64> = face["box"].as_array().expect("box").iter().filter_map(Value::as_f64).collect();
    assert!(b.len() == 4 && b[0] < b[2] && b[1] < b[3] && b[2] <= 512.0, "{b:?}");
    assert!(flags(astronaut).is_empty(), "{astronaut}");
    assert!(astronaut["ms"].as_u64().is_some());
    assert_eq!(zidane["faces"].as_array().map(Vec::len), Some(2));
    assert_eq!(flags(zidane), ["multiple_faces"]);
    assert_eq!(coffee["faces"].as_array().map(Vec::len), Some(0));
    assert_eq!(flags(coffee), ["no_face"]);
}

#[test]
fn phone_is_flagged_at_a_configured_threshold() {
    let (_, lines) = detect(&["--json", "--object-threshold", "0.4"], &[photo("sample2.jpg")]);
    let objects = lines[0]["objects"].as_array().expect("objects");
    assert!(objects.iter().any(|o| o["label"] == "cell phone"), "{objects:?}");
    assert_eq!(flags(&lines[0]), ["multiple_faces", "forbidden_object"]);
    let (_, strict) = detect(&["--json", "--object-threshold", "0.9"], &[photo("sample2.jpg")]);
    assert_eq!(flags(&strict[0]), ["multiple_faces"]);
}

#[test]
fn an_unreadable_image_is_reported_and_fails_the_run_without_stopping_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bogus = dir.path().join("not-an-image.jpg");
    std::fs::write(&bogus, b"hello").expect("write");
    let (code, lines) = detect(&["--json", "--object-model", "none"], &[bogus, photo("astronaut.png")]);
    assert_eq!(code, 1);
    assert!(lines[0]["error"].as_str().unwrap_or_default().contains("not a readable JPEG or PNG"), "{}", lines[0]);
    assert_eq!(lines[1]["faces"].as_array().map(Vec::len), Some(1));
    assert_eq!(lines[1]["objects"].as_array().map(Vec::len), Some(0), "object model disabled");
}

#[test]
fn forbidden_objects_are_configurable_and_checked_against_coco() {
    let phone = [photo("sample2.jpg")];
    let (_, lines) = detect(&["--json", "--object-threshold", "0.4", "--forbidden-objects", "book, laptop"], &phone);
    assert!(lines[0]["objects"].as_array().expect("objects").iter().any(|o| o["label"] == "cell phone"));
    assert_eq!(flags(&lines[0]), ["multiple_faces"], "a phone is allowed when the list leaves it out");
    let (_, lines) = detect(&["--json", "--object-threshold", "0.4", "--forbidden-objects", "cell phone"], &phone);
    assert_eq!(flags(&lines[0]), ["multiple_faces", "forbidden_object"]);

    let out = Command::new(env!("CARGO_BIN_EXE_proctorwise"))
        .args(["detect", "--json", "--forbidden-objects", "cell phone,tablet"])
        .args(&phone)
        .env("PROCTORWISE_MODELS_DIR", models())
        .output()
        .expect("run proctorwise detect");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(r#"--forbidden-objects: unknown COCO label(s) "tablet""#), "{err}");
    assert!(out.stdout.is_empty(), "nothing analysed with a bad list");
}

#[test]
fn a_server_with_an_unknown_forbidden_object_does_not_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |list: &str| {
        Command::new(env!("CARGO_BIN_EXE_proctorwise"))
            .arg("migrate")
            .env("PROCTORWISE_DATA_DIR", dir.path())
            .env("DATABASE_URL", format!("sqlite://{}/t.db?mode=rwc", dir.path().display()))
            .env("PROCTORWISE_FORBIDDEN_OBJECTS", list)
            .env("PROCTORWISE_MODELS_DIR", models())
            .output()
            .expect("run proctorwise migrate")
    };
    let bad = run("cell phone, smartphone");
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains(r#"PROCTORWISE_FORBIDDEN_OBJECTS: unknown COCO label(s) "smartphone""#), "{err}");
    let good = run("cell phone, remote");
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
}

/// `proctorwise detect` without `--json`: the first line on stderr names the models in use
/// and the thresholds (`ServerDetector::description`).
fn describe(envs: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_proctorwise"));
    cmd.arg("detect").arg(photo("astronaut.png")).env("PROCTORWISE_MODELS_DIR", models());
    for var in ["PROCTORWISE_OBJECT_FUSION", "PROCTORWISE_OBJECT_MODEL", "PROCTORWISE_OBJECT_MODEL_KIND"] {
        cmd.env_remove(var);
    }
    let out = cmd.envs(envs.iter().copied()).output().expect("run proctorwise detect");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn the_server_fuses_ssd_with_centernet_by_default_and_names_its_models() {
    let (ok, err) = describe(&[]);
    assert!(ok, "{err}");
    assert!(
        err.starts_with("faces: CenterFace 640 (≥ 0.50); objects: SSD-MobileNet-v2 + CenterNet (mean score) (≥ 0.25;"),
        "{err}"
    );
    let (_, err) = describe(&[("PROCTORWISE_OBJECT_FUSION", "max")]);
    assert!(err.contains("objects: SSD-MobileNet-v2 + CenterNet (max score) (≥ 0.30;"), "{err}");
    let (_, err) = describe(&[("PROCTORWISE_OBJECT_FUSION", "none")]);
    assert!(err.contains("objects: SSD-MobileNet-v2 (≥ 0.30;"), "SSD alone: {err}");
    let centernet = models().join("centernet.onnx");
    let centernet = centernet.to_str().expect("utf-8 path");
    let (_, err) = describe(&[("PROCTORWISE_OBJECT_MODEL", centernet), ("PROCTORWISE_OBJECT_MODEL_KIND", "centernet")]);
    assert!(err.contains("objects: CenterNet (≥ 0.30;"), "another kind runs alone unless a fusion is asked for: {err}");
    let (ok, err) = describe(&[("PROCTORWISE_OBJECT_FUSION", "vote")]);
    assert!(!ok && err.contains("PROCTORWISE_OBJECT_FUSION: unknown object fusion `vote` (max, both, mean)"), "{err}");
}
