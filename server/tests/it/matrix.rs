//! Route × identity matrix: every route the router has, requested by an anonymous visitor and by
//! each role, must answer the status decided here. A route added without a line here fails.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use proctorwise::accounts::model::{Role, User};

use crate::dual;
use crate::helpers::{Client, PASSWORD, TestApp};

/// What a request must get: a status, or a redirect to the login page.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    S(u16),
    Login,
}
use Expect::{Login, S};

/// (method, path, [anonymous, student, teacher, proctor, admin]).
const MATRIX: &[(&str, &str, [Expect; 5])] = &[
    ("GET", "/", [S(303), S(303), S(303), S(303), S(303)]),
    ("GET", "/student", [Login, S(200), S(403), S(403), S(403)]),
    ("GET", "/teacher", [Login, S(403), S(200), S(403), S(200)]),
    ("GET", "/proctor", [Login, S(403), S(403), S(200), S(200)]),
    ("GET", "/admin", [Login, S(403), S(403), S(403), S(200)]),
    ("GET", "/login", [S(200), S(303), S(303), S(303), S(303)]),
    ("POST", "/login", [S(401), S(401), S(401), S(401), S(401)]),
    ("POST", "/logout", [S(303), S(303), S(303), S(303), S(303)]),
    ("GET", "/register", [S(200), S(303), S(303), S(303), S(303)]),
    ("POST", "/register", [S(422), S(303), S(303), S(303), S(303)]),
    ("POST", "/lang", [S(303), S(303), S(303), S(303), S(303)]),
    ("GET", "/admin/users", [Login, S(403), S(403), S(403), S(200)]),
    ("GET", "/admin/users/new", [Login, S(403), S(403), S(403), S(200)]),
    ("POST", "/admin/users", [Login, S(403), S(403), S(403), S(422)]),
    ("POST", "/admin/users/{id}/role", [Login, S(403), S(403), S(403), S(303)]),
    ("POST", "/admin/users/{id}/active", [Login, S(403), S(403), S(403), S(303)]),
    ("POST", "/api/v1/auth/token", [S(422), S(422), S(422), S(422), S(422)]),
    ("GET", "/api/v1/me", [S(401), S(200), S(200), S(200), S(200)]),
    ("GET", "/api/v1/users", [S(401), S(403), S(403), S(403), S(200)]),
    ("GET", "/api/v1/openapi.json", [S(200), S(200), S(200), S(200), S(200)]),
    ("GET", "/health", [S(200), S(200), S(200), S(200), S(200)]),
    ("GET", "/ready", [S(200), S(200), S(200), S(200), S(200)]),
    ("GET", "/metrics", [S(200), S(200), S(200), S(200), S(200)]),
    ("GET", "/static/{*path}", [S(200), S(200), S(200), S(200), S(200)]),
];

const IDENTITIES: [Option<Role>; 5] =
    [None, Some(Role::Student), Some(Role::Teacher), Some(Role::Proctor), Some(Role::Admin)];

#[test]
fn matrix_covers_every_route_exactly() {
    let routes: BTreeSet<(&str, &str)> = proctorwise::route_table().iter().map(|r| (r.method, r.path)).collect();
    let decided: BTreeSet<(&str, &str)> = MATRIX.iter().map(|(m, p, _)| (*m, *p)).collect();
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
    for (method, path, expected) in MATRIX {
        for (user, want) in users.iter().zip(expected) {
            let got = request(&app, user.as_ref(), method, path).await;
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
    let target =
        app.create_user(Role::Student, &format!("target-{}@example.test", uuid::Uuid::new_v4().simple())).await;
    let concrete = path.replace("{id}", &target.id).replace("{*path}", "app.css");
    let res = match (method, api) {
        ("GET", true) => client.api_get(&concrete, token.as_deref()).await,
        ("POST", true) => {
            client.json(axum::http::Method::POST, &concrete, serde_json::json!({}), token.as_deref()).await
        }
        ("GET", false) => client.get(&concrete).await,
        _ => post_sample(&client, &concrete).await,
    };
    (res.status.as_u16(), res.location().to_owned())
}

/// A plausible form for each POST route (so an allowed caller reaches the handler's logic).
async fn post_sample(client: &Client, path: &str) -> crate::helpers::TestResponse {
    let fields: &[(&str, &str)] = if path.ends_with("/role") {
        &[("role", "teacher")]
    } else if path.ends_with("/active") {
        &[("active", "false")]
    } else if path == "/lang" {
        &[("lang", "fr")]
    } else {
        &[]
    };
    client.post_form(path, fields).await
}
