//! Slots: the end is the server's, slots must be in the future and not overlap, removing a slot
//! with bookings asks first and then cancels them with one event each.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::db::now_ms;
use proctorwise::exams::queries;

use crate::dual;
use crate::exams_support::{HOUR, add_slot, book, cancelled_events, count, create_exam, published_exam};
use crate::helpers::TestApp;

dual!(slot_end_is_computed_by_the_server, slots_are_validated, removing_a_slot_with_bookings_asks_then_cancels_them);

async fn slot_end_is_computed_by_the_server(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Slots", "45").await;
    let start = now_ms() + 3 * HOUR;
    let res = client
        .post_form(
            &format!("/exams/{exam_id}/slots"),
            &[("starts_at", &start.to_string()), ("ends_at", &(start + 1000).to_string()), ("capacity", "12")],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), format!("/exams/{exam_id}#slots"));
    // Without JavaScript the typed local time is read as UTC; the capacity defaults to 30.
    let res = client
        .post_form(
            &format!("/exams/{exam_id}/slots"),
            &[("starts_local", "2099-01-31T09:00"), ("starts_at", ""), ("capacity", "")],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let slots = queries::list_slots(&app.state.db, &exam_id).await.expect("slots");
    assert_eq!(slots.len(), 2);
    assert_eq!((slots[0].starts_at, slots[0].ends_at, slots[0].capacity), (start, start + 45 * 60_000, 12));
    assert_eq!((slots[1].starts_at, slots[1].capacity), (4_073_533_200_000, 30));
    let page = client.get(&format!("/exams/{exam_id}")).await;
    page.assert_contains("0 / 12")
        .assert_contains("0 / 30")
        .assert_contains("2099-01-31 09:00 UTC")
        .assert_contains("(UTC)");
    page.assert_contains("data-utc-target=\"starts_at\"");
}

async fn slots_are_validated(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Slots", "60").await;
    add_slot(&client, &exam_id, -HOUR, "10")
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("A slot must start in the future.");
    add_slot(&client, &exam_id, 5 * HOUR, "10").await.assert_status(StatusCode::SEE_OTHER);
    // Starts 30 minutes into the first one (60 minutes long).
    add_slot(&client, &exam_id, 5 * HOUR + HOUR / 2, "10")
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("This slot overlaps another slot of the exam.");
    for capacity in ["0", "1001", "many"] {
        add_slot(&client, &exam_id, 9 * HOUR, capacity)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Enter between 1 and 1000 seats.");
    }
    let res =
        client.post_form(&format!("/exams/{exam_id}/slots"), &[("starts_local", "tomorrow"), ("capacity", "5")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Enter a start date and time.");
    // Right after the first slot ends is fine; htmx gets the section back.
    let start = (now_ms() + 6 * HOUR + 1000).to_string();
    let res =
        client.htmx_post(&format!("/exams/{exam_id}/slots"), &[("starts_at", &start), ("capacity", "1000")]).await;
    res.assert_status(StatusCode::OK).assert_contains("id=\"slots\"").assert_contains("0 / 1000");
    assert!(!res.body.contains("<html"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM exam_slots WHERE exam_id = ?", &exam_id).await, 2);
}

async fn removing_a_slot_with_bookings_asks_then_cancels_them(app: TestApp) {
    let (client, teacher) = app.login_as(Role::Teacher).await;
    let (exam_id, slot_id) = published_exam(&app, &client).await;
    add_slot(&client, &exam_id, 48 * HOUR, "5").await.assert_status(StatusCode::SEE_OTHER);
    let empty = queries::list_slots(&app.state.db, &exam_id).await.expect("slots")[1].id.clone();
    book(&app, &slot_id, "eve").await;
    book(&app, &slot_id, "fay").await;
    client.get(&format!("/exams/{exam_id}")).await.assert_contains("2 / 5");
    // Without bookings: removed at once.
    let res = client.htmx_post(&format!("/exams/{exam_id}/slots/{empty}/remove"), &[]).await;
    res.assert_status(StatusCode::OK);
    assert!(!res.body.contains(&format!("slot-{empty}")));
    // With bookings: the page asks and says how many students will be notified.
    let remove = format!("/exams/{exam_id}/slots/{slot_id}/remove");
    let res = client.post_form(&remove, &[]).await;
    res.assert_status(StatusCode::OK).assert_contains("notifies 2 student(s)").assert_contains("name=\"confirm\"");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM bookings WHERE slot_id = ? AND status = 'active'", &slot_id).await, 2);
    assert!(cancelled_events(&app).await.is_empty());
    client.post_form(&remove, &[("confirm", "yes")]).await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM bookings WHERE slot_id = ? AND status = 'active'", &slot_id).await, 0);
    let booking_ids: Vec<String> = sqlx::query_scalar("SELECT id FROM bookings WHERE slot_id = ? ORDER BY id")
        .bind(&slot_id)
        .fetch_all(app.state.db.pool())
        .await
        .expect("bookings");
    let mut events = cancelled_events(&app).await;
    events.sort();
    assert_eq!(events.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(), booking_ids);
    assert!(events.iter().all(|(_, p)| p.contains("slot_removed") && p.contains(&teacher.id)));
    assert!(queries::list_slots(&app.state.db, &exam_id).await.expect("slots").is_empty());
    client.post_form(&remove, &[("confirm", "yes")]).await.assert_status(StatusCode::NOT_FOUND);
}
