//! Route × identity matrix: every route the router has, requested by an anonymous visitor and by
//! each role, must answer the status decided here. A route added without a line here fails.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use proctorwise::accounts::model::{Role, User};

use crate::dual;
use crate::fixtures::World;
use crate::helpers::{Client, PASSWORD, TestApp};

mod accounts;
mod analytics;
mod attempts;
mod bookings;
mod dead_letters;
mod detection;
mod exams;
mod grading;
mod monitoring;
mod notifications;
mod reports;

/// What a request must get: a status, or a redirect to the login page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expect {
    S(u16),
    Login,
}

/// One decision: (method, path, [anonymous, student, teacher, proctor, admin]). Path
/// placeholders are filled from a fresh [`World`]: the teacher and the student identities do
/// NOT own the world's exam, booking or attempt, so ownership checks show up as 404.
pub type Line = (&'static str, &'static str, [Expect; 5]);

use Expect::{Login, S};

fn all_lines() -> Vec<Line> {
    [
        accounts::LINES,
        analytics::LINES,
        exams::LINES,
        bookings::LINES,
        attempts::LINES,
        grading::LINES,
        notifications::LINES,
        dead_letters::LINES,
        monitoring::LINES,
        detection::LINES,
        reports::LINES,
    ]
    .concat()
}

const IDENTITIES: [Option<Role>; 5] =
    [None, Some(Role::Student), Some(Role::Teacher), Some(Role::Proctor), Some(Role::Admin)];

#[test]
fn matrix_covers_every_route_exactly() {
    let routes: BTreeSet<(&str, &str)> = proctorwise::route_table().iter().map(|r| (r.method, r.path)).collect();
    let lines = all_lines();
    let decided: BTreeSet<(&str, &str)> = lines.iter().map(|(m, p, _)| (*m, *p)).collect();
    assert_eq!(decided.len(), lines.len(), "a route is decided twice");
    let undecided: Vec<_> = routes.difference(&decided).collect();
    let stale: Vec<_> = decided.difference(&routes).collect();
    assert!(undecided.is_empty(), "routes without an access decision in MATRIX: {undecided:?}");
    assert!(stale.is_empty(), "MATRIX lines for routes that do not exist: {stale:?}");
}

dual!(every_route_answers_every_identity_as_decided);

async fn every_route_answers_every_identity_as_decided(app: TestApp) {
    let mut users: Vec<Option<User>> = vec![None];
    for role in IDENTITIES.into_iter().flatten() {
        users.push(Some(app.create_user(role, &format!("matrix-{}@example.test", role.as_str())).await));
    }
    let mut failures = Vec::new();
    for (method, path, expected) in all_lines() {
        for (user, want) in users.iter().zip(expected) {
            let got = request(&app, user.as_ref(), method, path).await;
            let want = &want;
            let ok = match want {
                S(code) => got.0 == *code,
                Login => got.0 == 303 && got.1.starts_with("/login?next="),
            };
            if !ok {
                let who = user.as_ref().map_or("anonymous", |u| u.role.as_str());
                failures.push(format!("{method} {path} as {who}: expected {want:?}, got {} {}", got.0, got.1));
            }
        }
    }
    assert!(failures.is_empty(), "{} access decisions differ:\n{}", failures.len(), failures.join("\n"));
}

/// Sends one request as `user` (fresh session or token); returns status and Location.
async fn request(app: &TestApp, user: Option<&User>, method: &str, path: &str) -> (u16, String) {
    let client = app.client();
    let api = path.starts_with("/api/");
    let mut token = None;
    if let Some(user) = user {
        if api {
            token = Some(app.token_for(user).await);
        } else {
            assert_eq!(client.login(&user.email, PASSWORD).await.status, StatusCode::SEE_OTHER);
        }
    }
    let world = World::new(app).await;
    let concrete = world.fill(path);
    let res = match (method, api) {
        ("GET", true) => client.api_get(&concrete, token.as_deref()).await,
        ("POST", true) => {
            client.json(axum::http::Method::POST, &concrete, serde_json::json!({}), token.as_deref()).await
        }
        // An event stream never ends: only its status and Location are read.
        ("GET", false) if concrete.ends_with("/stream") => client.get_head_only(&concrete).await,
        ("GET", false) => client.get(&concrete).await,
        _ => post_sample(&client, &concrete, &world).await,
    };
    (res.status.as_u16(), res.location().to_owned())
}

/// A plausible form for each POST route (so an allowed caller reaches the handler's logic).
async fn post_sample(client: &Client, path: &str, world: &World) -> crate::helpers::TestResponse {
    if path.ends_with("/frames") {
        let verdict = br#"{"seq": 1, "captured_at": 1, "analyzed": true, "faces": [{"score": 0.9}]}"#.to_vec();
        return client.post_multipart(path, &[("verdict", "application/json", verdict)]).await;
    }
    if path.starts_with("/monitoring/sessions/") && path.ends_with("/events") {
        return client.post_json_csrf(path, serde_json::json!({"kind": "tab_hidden", "at": 1})).await;
    }
    let fields: &[(&str, &str)] = if path.ends_with("/role") {
        &[("role", "teacher")]
    } else if path.ends_with("/active") {
        &[("active", "false")]
    } else if path == "/lang" {
        &[("lang", "fr")]
    } else if path == "/bookings" {
        &[("slot_id", &world.slot_id)]
    } else {
        &[]
    };
    client.post_form(path, fields).await
}
