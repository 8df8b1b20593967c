//! Live streams are woken by their own application only: a change committed through one router
//! wakes that application's panels and bells, never those of another application in the same
//! process, nor those of a replica on the same database (which see the change by polling).

use axum::http::StatusCode;
use proctorwise::events::handle_once;
use proctorwise::events::payloads::ExamScheduled;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::TryRecvError;

use super::Taking;
use crate::dual;
use crate::helpers::TestApp;
use crate::notifications::{handler, synthetic};

dual!(a_change_wakes_the_streams_of_its_own_application_only);

/// Whether `stream` was woken since it was last asked (every pending wake-up is taken).
fn woken(stream: &mut Receiver<()>) -> bool {
    let mut any = false;
    loop {
        match stream.try_recv() {
            Ok(()) | Err(TryRecvError::Lagged(_)) => any = true,
            Err(TryRecvError::Empty | TryRecvError::Closed) => return any,
        }
    }
}

async fn a_change_wakes_the_streams_of_its_own_application_only(app: TestApp) {
    let t = Taking::new(&app).await;
    let other = TestApp::new(app.backend).await;
    let replica = app.restarted_state();
    let mut panels = [&app.state, &other.state, &replica].map(|s| s.live.panels.subscribe());
    let mut bells = [&app.state, &other.state, &replica].map(|s| s.live.bell.subscribe());

    // A frame committed through the first router wakes its panels only.
    t.frame(1, &[0.9, 0.9], &[], true).await.assert_status(StatusCode::ACCEPTED);
    assert_eq!(panels.each_mut().map(woken), [true, false, false], "panels after the frame");
    assert_eq!(bells.each_mut().map(woken), [false; 3], "a frame rings no bell");

    // A notification committed by the first application's handler rings its bells only, and so
    // does the student reading it through the first router.
    let booked = ExamScheduled {
        student_id: t.s.student.id.clone(),
        exam_id: "x".into(),
        exam_title: "Optics".into(),
        ..Default::default()
    };
    assert!(handle_once(&app.state.db, &handler(&app), &synthetic(booked)).await.expect("handle"));
    assert_eq!(bells.each_mut().map(woken), [true, false, false], "bells after the notice");
    let id: String = sqlx::query_scalar("SELECT id FROM notifications WHERE user_id = ?")
        .bind(&t.s.student.id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("notice");
    t.client().post_form(&format!("/notifications/{id}/read"), &[]).await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(bells.each_mut().map(woken), [true, false, false], "bells after reading");

    // The other application's own changes wake its panels, not the first one's.
    let o = Taking::new(&other).await;
    assert_eq!(panels.each_mut().map(woken), [false, true, false], "panels after the other's start");
    o.frame(1, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
    assert_eq!(panels.each_mut().map(woken), [false, true, false], "panels after the other's frame");
}
