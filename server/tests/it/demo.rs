//! The demo data a newcomer clicks through.

use axum::http::StatusCode;
use proctorwise::demo::{self, DEMO_PASSWORD};

use crate::dual;
use crate::helpers::TestApp;

dual!(demo_data_is_complete_and_idempotent);

async fn demo_data_is_complete_and_idempotent(app: TestApp) {
    let first = demo::seed(&app.state.db).await.expect("seed");
    assert_eq!(first.created_accounts.len(), 4);
    assert!(first.created_exam);
    let again = demo::seed(&app.state.db).await.expect("seed again");
    assert!(again.created_accounts.is_empty() && !again.created_exam);
    for (email, home) in [
        ("alice@student.com", "/student"),
        ("bob@teacher.com", "/teacher"),
        ("charlie@proctor.com", "/proctor"),
        ("diana@admin.com", "/admin"),
    ] {
        let c = app.client();
        let res = c.login(email, DEMO_PASSWORD).await;
        res.assert_status(StatusCode::SEE_OTHER);
        assert_eq!(res.location(), home);
        c.get(home).await.assert_status(StatusCode::OK);
    }
    // Alice is booked on a slot that opens two minutes after seeding; open it now and take it.
    let booking: String = sqlx::query_scalar(
        "SELECT b.id FROM bookings b JOIN users u ON u.id = b.student_id WHERE u.email = 'alice@student.com'",
    )
    .fetch_one(app.state.db.pool())
    .await
    .expect("alice's booking");
    sqlx::query("UPDATE exam_slots SET starts_at = starts_at - 180000, ends_at = ends_at - 180000 WHERE id = (SELECT slot_id FROM bookings WHERE id = ?)")
        .bind(&booking)
        .execute(app.state.db.pool())
        .await
        .expect("open the slot");
    let alice = app.client();
    alice.login("alice@student.com", DEMO_PASSWORD).await;
    let res = alice.post_form(&format!("/bookings/{booking}/start"), &[("consent", "on"), ("webcam", "granted")]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    alice.get(&format!("{}/q/1", res.location())).await.assert_status(StatusCode::OK).assert_contains("capitale");
}
