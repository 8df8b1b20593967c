//! Frames that arrive together are decided together (one transaction per group) and each
//! exactly as if it had come alone: ownership, the rate limit, the counters, the pictures.

use std::time::Duration;

use axum::http::StatusCode;
use futures_util::future::join_all;

use super::{Taking, count, eventually, fast_app, post_frame};
use crate::dual;
use crate::helpers::TestApp;

dual!(frames_sent_together_are_each_decided_as_if_alone, a_session_at_the_browsers_pace_is_never_throttled);

const FRAMES: &str = "SELECT COUNT(*) FROM monitoring_frames WHERE session_id = ?";

async fn frames_sent_together_are_each_decided_as_if_alone(app: TestApp) {
    let a = Taking::new(&app).await;
    let b = Taking::new(&app).await;
    let lane = app.state.frame_lane().clone();
    let (groups_before, decided_before, _) = lane.counts();
    // The test holds both sessions' rows: the first group waits for them, and every other frame
    // arrives meanwhile. Released once all 41 are in the lane, they make one more group.
    let mut held = app.state.db.pool().begin().await.expect("begin");
    sqlx::query("UPDATE monitoring_sessions SET rate_count = rate_count WHERE id IN (?, ?)")
        .bind(&a.session_id)
        .bind(&b.session_id)
        .execute(&mut *held)
        .await
        .expect("hold the rows");
    let release = async {
        eventually("all 41 frames wait in the lane", || {
            let lane = lane.clone();
            async move { lane.pending() == 41 }
        })
        .await;
        held.commit().await.expect("release the rows");
    };
    // 30 frames of A at once (every third with its picture), 10 of B, and B posting to A's
    // session: the limit is 20 inputs per session per 10 s.
    let from_a = join_all((1..=30).map(|seq| a.frame(seq, &[0.9], &[], seq % 3 == 0)));
    let from_b = join_all((1..=10).map(|seq| b.frame(seq, &[0.9], &[], false)));
    let a_url = a.frames_url();
    let intruder = post_frame(b.client(), &a_url, 99, &[0.9], &[], false);
    let (from_a, from_b, intruder, ()) = tokio::join!(from_a, from_b, intruder, release);
    intruder.assert_status(StatusCode::FORBIDDEN);
    assert!(from_b.iter().all(|r| r.status == StatusCode::ACCEPTED), "B is not slowed by A's flood");
    let accepted: Vec<(i64, bool)> = from_a
        .iter()
        .zip(1..)
        .filter(|(r, _)| r.status == StatusCode::ACCEPTED)
        .map(|(r, seq)| (seq, r.json()["stored_frame"] == true))
        .collect();
    let throttled = from_a.iter().filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((accepted.len(), throttled), (20, 10), "exactly the limit is accepted, the rest refused");

    // What was refused left nothing: the counters hold the accepted frames only.
    let row: (i64, i64, i64, Option<i64>) =
        sqlx::query_as("SELECT frames, stored_frames, rate_count, last_seq FROM monitoring_sessions WHERE id = ?")
            .bind(&a.session_id)
            .fetch_one(app.state.db.pool())
            .await
            .expect("session");
    let pictures = accepted.iter().filter(|(seq, _)| seq % 3 == 0).count() as i64;
    assert_eq!((row.0, row.1, row.2), (20, pictures, 20));
    assert!(accepted.iter().any(|(seq, _)| Some(*seq) == row.3), "the last seq is an accepted frame's");
    assert_eq!(count(&app, FRAMES, &a.session_id).await, pictures, "one row per accepted picture");
    assert!(accepted.iter().all(|(seq, stored)| *stored == (seq % 3 == 0)), "each stored picture is answered");
    let keys: Vec<(i64, String)> =
        sqlx::query_as("SELECT n, storage_key FROM monitoring_frames WHERE session_id = ? ORDER BY n")
            .bind(&a.session_id)
            .fetch_all(app.state.db.pool())
            .await
            .expect("frames");
    let numbers: Vec<i64> = keys.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, (1..=pictures).collect::<Vec<_>>(), "pictures numbered in order, none twice");
    for (_, key) in &keys {
        assert!(app.state.config.monitoring().frame_dir.join(key).is_file(), "{key} is on disk");
    }
    let b_row: (i64, i64) = sqlx::query_as("SELECT frames, rate_count FROM monitoring_sessions WHERE id = ?")
        .bind(&b.session_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("session");
    assert_eq!(b_row, (10, 10));

    // They were decided in two transactions: the one that waited, and all the others.
    let (groups, decided, largest) = lane.counts();
    let (groups, decided) = (groups - groups_before, decided - decided_before);
    assert_eq!(decided, 41, "every frame was decided once (the refused ones too)");
    assert!(groups <= 2 && largest >= 21, "{decided} frames in {groups} transactions, the largest of {largest}");
    assert_eq!(lane.pending(), 0);
}

/// A frame every 2 s for two minutes, and a burst after a quiet minute: the rate window starts
/// again every 10 s, so only a session sending over 20 inputs within 10 s is refused.
async fn a_session_at_the_browsers_pace_is_never_throttled(app: TestApp) {
    let app = fast_app(app.backend).await;
    let t = Taking::new(&app).await;
    for seq in 1..=60 {
        t.frame(seq, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
        app.state.clock.advance(Duration::from_secs(2));
    }
    app.state.clock.advance(Duration::from_secs(60));
    for seq in 61..=80 {
        t.frame(seq, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
    }
    t.frame(81, &[0.9], &[], false).await.assert_status(StatusCode::TOO_MANY_REQUESTS);
    let frames: i64 = sqlx::query_scalar("SELECT frames FROM monitoring_sessions WHERE id = ?")
        .bind(&t.session_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("session");
    assert_eq!(frames, 80);
}
