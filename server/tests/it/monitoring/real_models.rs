//! Re-verification with the real server models (CenterFace + CenterNet from models/): the
//! browser's flag on a photo of two people is confirmed, the same flag on a portrait of one
//! person is rejected and kept, dismissed, for audit.

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use axum::http::StatusCode;
use proctorwise::detection::{DetectionConfig, ServerDetector};

use super::{Taking, anomalies, eventually, verdict};
use crate::dual;
use crate::helpers::TestApp;

fn photo_jpeg(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/eval/images").join(name);
    let img = image::open(&path).unwrap_or_else(|e| panic!("{}: {e} (run models/fetch.sh images)", path.display()));
    let small = img.resize(640, 480, image::imageops::FilterType::Triangle).to_rgb8();
    let mut out = Cursor::new(Vec::new());
    small.write_to(&mut out, image::ImageFormat::Jpeg).expect("encode JPEG");
    out.into_inner()
}

fn models() -> ServerDetector {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    ServerDetector::load(&DetectionConfig::in_dir(&dir)).expect("server models (run models/fetch.sh)")
}

async fn verified(app: &TestApp, session: &str) -> Vec<(String, String, String, String, String)> {
    let db = app.state.db.clone();
    let id = session.to_owned();
    eventually("the frame is verified by the real models", || {
        let (db, id) = (db.clone(), id.clone());
        async move {
            let done: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ? AND verification = 'done'",
            )
            .bind(&id)
            .fetch_one(db.pool())
            .await
            .unwrap_or(0);
            done == 1
        }
    })
    .await;
    anomalies(app, session).await
}

async fn real_models_confirm_a_true_flag_and_reject_a_false_one(app: TestApp) {
    let backend = app.backend;
    let app = TestApp::with_state(backend, |_| {}, |s| s.set_analyzer(Arc::new(models()))).await;
    let workers = proctorwise::monitoring::verify::start_workers(&app.state);

    // Two people in view (zidane.jpg): the browser says two faces, the server agrees.
    let t = Taking::new(&app).await;
    let parts = [
        ("verdict", "application/json", verdict(1, &[0.9, 0.8], &[], true)),
        ("frame", "image/jpeg", photo_jpeg("zidane.jpg")),
    ];
    t.client().post_multipart(&t.frames_url(), &parts).await.assert_status(StatusCode::ACCEPTED);
    let got = verified(&app, &t.session_id).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "multiple_faces");
    assert_eq!((got[0].2.as_str(), got[0].3.as_str()), ("server_verified", "confirmed"), "{got:?}");
    let details: String = sqlx::query_scalar("SELECT details FROM monitoring_anomalies WHERE session_id = ?")
        .bind(&t.session_id)
        .fetch_one(app.state.db.pool())
        .await
        .map(|d: proctorwise::db::DbText| d.0)
        .expect("details");
    let details: serde_json::Value = serde_json::from_str(&details).expect("JSON details");
    assert_eq!(
        details["server"]["models"]["faces"], "CenterFace 416 (quick pass: two or more faces seen)",
        "two faces at the quick pass confirm the picture, and the evidence says so: {details}"
    );

    // One person (astronaut.png) that the browser wrongly saw twice: rejected on the frame, and
    // nothing stored against the student.
    let t2 = Taking::new(&app).await;
    let parts = [
        ("verdict", "application/json", verdict(1, &[0.9, 0.6], &[], true)),
        ("frame", "image/jpeg", photo_jpeg("astronaut.png")),
    ];
    t2.client().post_multipart(&t2.frames_url(), &parts).await.assert_status(StatusCode::ACCEPTED);
    let got = verified(&app, &t2.session_id).await;
    assert!(got.is_empty(), "{got:?}");
    let outcome: Option<String> = sqlx::query_scalar("SELECT flag_outcome FROM monitoring_frames WHERE session_id = ?")
        .bind(&t2.session_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("frame");
    assert_eq!(outcome.as_deref(), Some("rejected"));
    for w in workers {
        w.abort();
    }
}

dual!(real_models_confirm_a_true_flag_and_reject_a_false_one);

/// The quick pass (CenterFace 416 by default) confirms two faces alone; a picture of one person (or of
/// nobody) always goes on to the full pass at 640, so no claim is rejected at the smaller input.
#[test]
fn the_quick_face_pass_confirms_but_never_rejects() {
    use proctorwise::monitoring::FrameAnalyzer;
    let server = models();
    let two = server.analyze_faces(&photo_jpeg("zidane.jpg")).expect("zidane");
    assert_eq!((two.faces.len(), two.face_input), (2, 416), "{two:?}");
    let one = server.analyze_faces(&photo_jpeg("astronaut.png")).expect("astronaut");
    assert_eq!((one.faces.len(), one.face_input), (1, 640), "{one:?}");
    let none = server.analyze_faces(&photo_jpeg("coffee.png")).expect("coffee");
    assert_eq!((none.faces.len(), none.face_input), (0, 640), "{none:?}");
    assert_eq!(server.models(&one)["faces"], "CenterFace 640");

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    let off = DetectionConfig { face_confirm_side: 0, ..DetectionConfig::in_dir(&dir) };
    let full = ServerDetector::load(&off).expect("models").analyze_faces(&photo_jpeg("zidane.jpg")).expect("zidane");
    assert_eq!((full.faces.len(), full.face_input), (2, 640), "0 turns the quick pass off: {full:?}");
}
