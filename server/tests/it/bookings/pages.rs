//! The student's pages: the catalogue with seats left, booking and cancelling with htmx (in
//! place, with a toast) and without JavaScript (redirect and a notice), escaping, language.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use proctorwise::accounts::model::Role;
use proctorwise::bookings::service;
use serde_json::json;

use super::statuses::row;
use super::*;
use crate::dual;
use crate::helpers::TestApp;

dual!(
    catalogue_shows_seats_left_and_hides_buttons_of_full_slots,
    htmx_booking_and_cancelling_update_the_page_in_place,
    without_javascript_booking_redirects_with_a_notice_shown_once,
    my_bookings_shows_local_time_countdown_and_nav_link,
    html_in_exam_titles_is_escaped,
    refusals_speak_the_users_language,
);

async fn catalogue_shows_seats_left_and_hides_buttons_of_full_slots(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) =
        published_exam(&app, &owner, "Algebra", &[(24 * HOUR, 3), (48 * HOUR, 1), (-10 * MIN, 5), (72 * HOUR, 5)])
            .await;
    service::remove_slot(&app.state.db, &slots[3], &owner.id).await.expect("remove");
    exam_with_status(&app, &owner, "Secret draft", proctorwise::exams::model::ExamStatus::Draft, &[(24 * HOUR, 5)])
        .await;
    let (_, other) = student(&app).await;
    booked(&app, &other, &slots[1]).await;
    let (client, _) = app.login_as(Role::Student).await;
    let page = client.get("/student").await;
    page.assert_status(StatusCode::OK).assert_contains("Algebra").assert_contains("Exams open for booking");
    let open = row(&page.body, &format!("slot-{}", slots[0]));
    assert!(open.contains("3 of 3") && open.contains(&format!("value=\"{}\"", slots[0])) && open.contains(">Book"));
    let full = row(&page.body, &format!("slot-{}", slots[1]));
    assert!(full.contains("0 of 1") && full.contains("Full"), "{full}");
    assert!(!full.contains("<form") && !full.contains(&format!("value=\"{}\"", slots[1])), "no button: {full}");
    for hidden in [&slots[2], &slots[3]] {
        assert!(!page.body.contains(hidden.as_str()), "started and removed slots are not offered");
    }
    assert!(!page.body.contains("Secret draft"));
    // A full slot refused through the page is a clear 409, never a 500.
    client
        .post_form("/bookings", &[("slot_id", &slots[1])])
        .await
        .assert_status(StatusCode::CONFLICT)
        .assert_contains(FULL);
}

async fn htmx_booking_and_cancelling_update_the_page_in_place(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "Geometry", &[(24 * HOUR, 3), (48 * HOUR, 3)]).await;
    let (client, _) = app.login_as(Role::Student).await;
    let res = client.htmx_post("/bookings", &[("slot_id", &slots[0])]).await;
    res.assert_status(StatusCode::OK)
        .assert_contains("id=\"student-journey\"")
        .assert_contains("hx-swap-oob=\"beforeend:#toasts\"")
        .assert_contains("Your seat is booked.");
    assert!(!res.body.contains("<html"), "htmx gets a fragment");
    let booked_row = row(&res.body, &format!("slot-{}", slots[0]));
    assert!(booked_row.contains("2 of 3") && booked_row.contains("Booked"), "{booked_row}");
    let other_row = row(&res.body, &format!("slot-{}", slots[1]));
    assert!(!other_row.contains("<form"), "one booking per exam: no button on its other slots");
    let booking_id = sqlx::query_scalar::<_, String>("SELECT id FROM bookings WHERE slot_id = ?")
        .bind(&slots[0])
        .fetch_one(app.state.db.pool())
        .await
        .expect("booking");
    let mine = row(&res.body, &format!("booking-{booking_id}"));
    assert!(mine.contains("hx-confirm=") && mine.contains("hx-target=\"#student-journey\""), "{mine}");
    // Refused with htmx: an error toast.
    let res = client.htmx_post("/bookings", &[("slot_id", &slots[1])]).await;
    res.assert_status(StatusCode::CONFLICT).assert_contains(ALREADY_BOOKED);
    assert_eq!(res.header("hx-retarget"), "#toasts");
    // Cancelling from the "My bookings" page swaps that page's list.
    let page = client.get("/bookings").await;
    assert!(row(&page.body, &format!("booking-{booking_id}")).contains("hx-target=\"#my-bookings\""));
    let token = client.csrf().await;
    let res = client
        .post_raw(
            &format!("/bookings/{booking_id}/cancel"),
            "",
            &[("hx-request", "true"), ("hx-target", "my-bookings"), ("x-csrf-token", &token)],
        )
        .await;
    res.assert_status(StatusCode::OK).assert_contains("id=\"my-bookings\"").assert_contains("Booking cancelled");
    assert!(!res.body.contains("student-journey"));
    assert!(row(&res.body, &format!("booking-{booking_id}")).contains("data-status=\"cancelled\""));
    assert_eq!(seats_taken(&app, &slots[0]).await, 0);
}

async fn without_javascript_booking_redirects_with_a_notice_shown_once(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "History", &[(24 * HOUR, 3)]).await;
    let (client, _) = app.login_as(Role::Student).await;
    let res = client.post_form("/bookings", &[("slot_id", &slots[0])]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/bookings");
    let page = client.get("/bookings").await;
    page.assert_status(StatusCode::OK).assert_contains("Your seat is booked.").assert_contains("History");
    assert!(!client.get("/bookings").await.body.contains("Your seat is booked."), "the notice shows once");
    let booking_id = sqlx::query_scalar::<_, String>("SELECT id FROM bookings WHERE slot_id = ?")
        .bind(&slots[0])
        .fetch_one(app.state.db.pool())
        .await
        .expect("booking");
    let res = client.post_form(&format!("/bookings/{booking_id}/cancel"), &[]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/bookings");
    client.get("/bookings").await.assert_contains("Booking cancelled").assert_contains("data-status=\"cancelled\"");
}

async fn my_bookings_shows_local_time_countdown_and_nav_link(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "Soon", &[(2 * HOUR + 15 * MIN, 3)]).await;
    let (client, user) = app.login_as(Role::Student).await;
    let (token, _) = app.state.tokens().issue(&user).expect("token");
    let booking = booked(&app, &token, &slots[0]).await;
    let page = client.get("/bookings").await;
    page.assert_status(StatusCode::OK).assert_contains("<h1>My bookings</h1>").assert_contains("href=\"/bookings\"");
    let r = row(&page.body, &format!("booking-{booking}"));
    assert!(r.contains("starts in 2 h 15 min"), "{r}");
    assert!(r.contains("data-local") && r.contains("<time datetime=\""), "{r}");
    client.get("/student").await.assert_contains("href=\"/bookings\"").assert_contains("starts in 2 h 15 min");
}

async fn html_in_exam_titles_is_escaped(app: TestApp) {
    let owner = teacher(&app).await;
    let title = "<script>alert('x')</script><b>Bold</b>";
    let (_, slots) = published_exam(&app, &owner, title, &[(24 * HOUR, 3)]).await;
    let (client, _) = app.login_as(Role::Student).await;
    let home = client.get("/student").await;
    home.assert_contains("&lt;script&gt;alert('x')&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt;");
    assert!(!home.body.contains("<script>alert") && !home.body.contains("<b>Bold"));
    client.post_form("/bookings", &[("slot_id", &slots[0])]).await.assert_status(StatusCode::SEE_OTHER);
    let page = client.get("/bookings").await;
    page.assert_contains("&lt;script&gt;alert");
    assert!(!page.body.contains("<script>alert") && !page.body.contains("<b>Bold"));
}

async fn refusals_speak_the_users_language(app: TestApp) {
    let owner = teacher(&app).await;
    let (_, slots) = published_exam(&app, &owner, "Français", &[(24 * HOUR, 1)]).await;
    let (_, other) = student(&app).await;
    booked(&app, &other, &slots[0]).await;
    let (_, token) = student(&app).await;
    let req = Request::post("/api/v1/bookings")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "fr-FR")
        .body(Body::from(json!({"slot_id": slots[0]}).to_string()))
        .expect("request");
    let res = app.client().send(req).await;
    res.assert_status(StatusCode::CONFLICT);
    assert_eq!(res.json()["message"], "Ce créneau est complet. Choisissez un autre créneau.");
    let (client, _) = app.login_as(Role::Student).await;
    let csrf = client.csrf().await;
    let body = serde_urlencoded::to_string([("slot_id", slots[0].as_str()), ("csrf_token", &csrf)]).expect("form");
    let res = client.post_raw("/bookings", &body, &[("accept-language", "fr")]).await;
    res.assert_status(StatusCode::CONFLICT).assert_contains("Ce créneau est complet.");
}
