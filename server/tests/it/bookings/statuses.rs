//! The status of each booking is derived on the server from the booking, its slot's times and
//! its attempt, and shown the same way in the API and on the pages.

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use proctorwise::bookings::service;
use serde_json::json;

use super::*;
use crate::dual;
use crate::helpers::{PASSWORD, TestApp};

dual!(every_status_is_derived_on_the_server);

/// `tr` row of `id` in a page.
pub fn row<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no row {id} in:\n{body}"));
    let end = body[start..].find("</tr>").map_or(body.len(), |e| start + e);
    &body[start..end]
}

async fn every_status_is_derived_on_the_server(app: TestApp) {
    let owner = teacher(&app).await;
    let (user, token) = student(&app).await;
    let mut ids = HashMap::new();
    let mut slot_of = HashMap::new();
    for (day, name) in
        ["scheduled", "open", "in_progress", "completed", "missed", "by_student", "slot_removed", "exam_withdrawn"]
            .into_iter()
            .enumerate()
    {
        let offset = (i64::try_from(day).expect("small") + 1) * 24 * HOUR;
        let (exam_id, slots) = published_exam(&app, &owner, &format!("Exam {name}"), &[(offset, 5)]).await;
        ids.insert(name, booked(&app, &token, &slots[0]).await);
        slot_of.insert(name, (exam_id, slots[0].clone()));
    }
    move_slot(&app, &slot_of["open"].1, -10 * MIN, HOUR).await;
    move_slot(&app, &slot_of["in_progress"].1, -10 * MIN, HOUR).await;
    add_attempt(&app, &ids["in_progress"], "in_progress").await;
    move_slot(&app, &slot_of["completed"].1, -2 * HOUR, HOUR).await;
    add_attempt(&app, &ids["completed"], "submitted").await;
    move_slot(&app, &slot_of["missed"].1, -3 * HOUR, HOUR).await;
    let cancel = format!("/api/v1/bookings/{}/cancel", ids["by_student"]);
    app.client().json(Method::POST, &cancel, json!({}), Some(&token)).await.assert_status(StatusCode::OK);
    service::remove_slot(&app.state.db, &slot_of["slot_removed"].1, &owner.id).await.expect("remove");
    service::cancel_all_for_exam(&app.state.db, &slot_of["exam_withdrawn"].0, "exam_unpublished", &owner.id)
        .await
        .expect("withdraw");

    let res = app.client().api_get("/api/v1/bookings", Some(&token)).await;
    res.assert_status(StatusCode::OK);
    let list = res.json()["bookings"].as_array().expect("array").clone();
    assert_eq!(list.len(), 8);
    let by_id: HashMap<String, serde_json::Value> =
        list.iter().map(|b| (b["id"].as_str().expect("id").to_owned(), b.clone())).collect();
    let expect = [
        ("scheduled", "scheduled", None, true, false),
        ("open", "open", None, false, true),
        ("in_progress", "in_progress", None, false, true),
        ("completed", "completed", None, false, false),
        ("missed", "missed", None, false, false),
        ("by_student", "cancelled", Some("by_student"), false, false),
        ("slot_removed", "cancelled", Some("slot_removed"), false, false),
        ("exam_withdrawn", "cancelled", Some("exam_withdrawn"), false, false),
    ];
    for (name, status, reason, can_cancel, can_start) in expect {
        let b = &by_id[&ids[name]];
        assert_eq!(b["status"], status, "{name}: {b}");
        assert_eq!(b["cancel_reason"], json!(reason), "{name}: {b}");
        assert_eq!(b["can_cancel"], can_cancel, "{name}: {b}");
        assert_eq!(b["can_start"], can_start, "{name}: {b}");
        assert_eq!(b["exam_title"], format!("Exam {name}"));
    }
    assert_eq!(by_id[&ids["open"]]["start_url"], format!("/bookings/{}/start", ids["open"]));
    // Current bookings come first.
    let first: Vec<&str> = list[..3].iter().map(|b| b["status"].as_str().expect("status")).collect();
    assert!(first.iter().all(|s| ["scheduled", "open", "in_progress"].contains(s)), "{first:?}");

    // The page says the same, with the right action on each row.
    let client = app.client();
    client.login(&user.email, PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
    let page = client.get("/bookings").await;
    page.assert_status(StatusCode::OK);
    for (name, status, ..) in expect {
        let r = row(&page.body, &format!("booking-{}", ids[name]));
        assert!(r.contains(&format!("data-status=\"{status}\"")), "{name}: {r}");
        assert_eq!(r.contains("/cancel\""), name == "scheduled", "{name}: cancel button only before the start");
    }
    let open = row(&page.body, &format!("booking-{}", ids["open"]));
    assert!(open.contains(&format!("href=\"/bookings/{}/start\"", ids["open"])) && open.contains("Take the exam"));
    assert!(row(&page.body, &format!("booking-{}", ids["in_progress"])).contains("Continue the exam"));
    assert!(row(&page.body, &format!("booking-{}", ids["by_student"])).contains("(by you)"));
    assert!(row(&page.body, &format!("booking-{}", ids["slot_removed"])).contains("(slot removed by the teacher)"));
    assert!(row(&page.body, &format!("booking-{}", ids["exam_withdrawn"])).contains("(exam withdrawn)"));
    assert!(row(&page.body, &format!("booking-{}", ids["missed"])).contains("Missed"));
    // The student home lists only what is still ahead or under way.
    let home = client.get("/student").await;
    for name in ["scheduled", "open", "in_progress"] {
        home.assert_contains(&format!("id=\"booking-{}\"", ids[name]));
    }
    for name in ["completed", "missed", "by_student"] {
        assert!(!home.body.contains(&format!("id=\"booking-{}\"", ids[name])), "{name} is not current");
    }
}
