//! Login, registration, sessions, throttling, CSRF and language.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::accounts::queries;

use crate::dual;
use crate::helpers::{PASSWORD, TestApp};

dual!(
    every_role_lands_on_its_home,
    wrong_password_is_refused_with_a_message,
    five_failures_lock_the_account,
    many_failures_lock_the_address,
    registration_always_creates_a_student,
    registration_rejects_duplicate_email_ignoring_case,
    invalid_registration_rerenders_with_errors,
    posts_without_csrf_token_are_refused,
    session_id_rotates_at_login_and_dies_at_logout,
    sessions_survive_a_restart,
    deactivated_accounts_lose_their_session,
    language_follows_header_then_choice,
);

async fn every_role_lands_on_its_home(app: TestApp) {
    for (role, home, heading) in [
        (Role::Student, "/student", "Exams open for booking"),
        (Role::Teacher, "/teacher", "Exams I created"),
        (Role::Proctor, "/proctor", "Live sessions"),
        (Role::Admin, "/admin", "Key figures"),
    ] {
        let email = format!("{}@example.test", role.as_str());
        app.create_user(role, &email).await;
        let client = app.client();
        let res = client.login(&email.to_uppercase(), PASSWORD).await;
        res.assert_status(StatusCode::SEE_OTHER);
        assert_eq!(res.location(), home);
        client.get(home).await.assert_status(StatusCode::OK).assert_contains(heading);
        assert_eq!(client.get("/").await.location(), home);
    }
}

async fn wrong_password_is_refused_with_a_message(app: TestApp) {
    app.create_user(Role::Student, "alice@example.test").await;
    let client = app.client();
    let res = client.login("alice@example.test", "not the password").await;
    res.assert_status(StatusCode::UNAUTHORIZED).assert_contains("Email or password is incorrect.");
    res.assert_contains("value=\"alice@example.test\"");
    // Unknown email: the same answer, no account enumeration.
    let res = client.login("nobody@example.test", "whatever1").await;
    res.assert_status(StatusCode::UNAUTHORIZED).assert_contains("Email or password is incorrect.");
    client.get("/student").await.assert_status(StatusCode::SEE_OTHER);
}

async fn five_failures_lock_the_account(app: TestApp) {
    app.create_user(Role::Student, "bob@example.test").await;
    app.create_user(Role::Student, "carol@example.test").await;
    let attacker = app.client();
    for _ in 0..5 {
        attacker.login("bob@example.test", "wrong password").await.assert_status(StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while locked, with a clear message.
    let res = app.client().login("bob@example.test", PASSWORD).await;
    res.assert_status(StatusCode::TOO_MANY_REQUESTS)
        .assert_contains("Too many failed attempts. Try again in 15 minute(s).");
    // Another account is not affected.
    app.client().login("carol@example.test", PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
}

async fn many_failures_lock_the_address(app: TestApp) {
    let app = TestApp::with_config(app.backend, |c| c.trust_proxy = true).await;
    app.create_user(Role::Student, "dave@example.test").await;
    let client = app.client();
    let token = client.csrf().await;
    let from = [("x-forwarded-for", "203.0.113.9")];
    for i in 0..30 {
        let body = format!("email=user{i}%40example.test&password=wrong123&csrf_token={token}");
        client.post_raw("/login", &body, &from).await.assert_status(StatusCode::UNAUTHORIZED);
    }
    let body = format!("email=dave%40example.test&password={}&csrf_token={token}", PASSWORD.replace(' ', "+"));
    client.post_raw("/login", &body, &from).await.assert_status(StatusCode::TOO_MANY_REQUESTS);
    let elsewhere = [("x-forwarded-for", "198.51.100.7")];
    client.post_raw("/login", &body, &elsewhere).await.assert_status(StatusCode::SEE_OTHER);
}

async fn registration_always_creates_a_student(app: TestApp) {
    let client = app.client();
    let res = client
        .post_form(
            "/register",
            &[
                ("name", "Eve Mallory"),
                ("email", "Eve@Example.test"),
                ("password", "password123"),
                ("password_confirm", "password123"),
                ("role", "admin"),
            ],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/student");
    let (user, _) = queries::find_for_login(&app.state.db, "eve@example.test").await.expect("query").expect("created");
    assert_eq!(user.role, Role::Student);
    client.get("/admin").await.assert_status(StatusCode::FORBIDDEN);
    client.get("/student").await.assert_status(StatusCode::OK);
}

async fn registration_rejects_duplicate_email_ignoring_case(app: TestApp) {
    app.create_user(Role::Student, "frank@example.test").await;
    let res = app
        .client()
        .post_form(
            "/register",
            &[
                ("name", "Frank"),
                ("email", "FRANK@example.test"),
                ("password", "password123"),
                ("password_confirm", "password123"),
            ],
        )
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("An account with this email already exists.");
    assert_eq!(queries::count_all(&app.state.db).await.expect("count"), 1);
}

async fn invalid_registration_rerenders_with_errors(app: TestApp) {
    let res = app
        .client()
        .post_form(
            "/register",
            &[("name", "Gina"), ("email", "not-an-email"), ("password", "abc"), ("password_confirm", "abd")],
        )
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Enter a valid email address")
        .assert_contains("at least 8 characters")
        .assert_contains("The two passwords differ.")
        .assert_contains("value=\"Gina\"")
        .assert_contains("aria-invalid=\"true\"");
    assert_eq!(queries::count_all(&app.state.db).await.expect("count"), 0);
}

async fn posts_without_csrf_token_are_refused(app: TestApp) {
    app.create_user(Role::Student, "hal@example.test").await;
    let client = app.client();
    client.get("/login").await;
    let body = format!("email=hal%40example.test&password={}", PASSWORD.replace(' ', "+"));
    let res = client.post_raw("/login", &body, &[]).await;
    res.assert_status(StatusCode::FORBIDDEN).assert_contains("This form has expired or was sent from another site.");
    let res = client.post_raw("/login", &format!("{body}&csrf_token=forged"), &[]).await;
    res.assert_status(StatusCode::FORBIDDEN);
    // A token from another session is no better.
    let other = app.client().csrf().await;
    client.post_raw("/login", &format!("{body}&csrf_token={other}"), &[]).await.assert_status(StatusCode::FORBIDDEN);
    // An htmx request gets a toast instead of a page.
    let res = client.post_raw("/logout", "", &[("hx-request", "true")]).await;
    res.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(res.header("hx-retarget"), "#toasts");
    res.assert_contains("class=\"toast toast-error\"");
    // With the token, in the header or in the form, it works.
    let token = client.csrf().await;
    client.post_raw("/login", &body, &[("x-csrf-token", &token)]).await.assert_status(StatusCode::SEE_OTHER);
}

async fn session_id_rotates_at_login_and_dies_at_logout(app: TestApp) {
    app.create_user(Role::Teacher, "ivy@example.test").await;
    let client = app.client();
    client.get("/login").await;
    let before = client.session_cookie().expect("anonymous session for the csrf token");
    client.login("ivy@example.test", PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
    let after = client.session_cookie().expect("logged-in session");
    assert_ne!(before, after, "session id must change at login");
    client.get("/teacher").await.assert_status(StatusCode::OK);
    let res = client.post_form("/logout", &[]).await;
    assert_eq!(res.location(), "/login");
    // The old cookie is worthless even if replayed.
    let replay = app.client();
    let res = replay
        .send(
            axum::http::Request::get("/teacher")
                .header("cookie", &after)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login?next=%2Fteacher");
}

async fn sessions_survive_a_restart(app: TestApp) {
    let (client, _) = app.login_as(Role::Proctor).await;
    let cookie = client.session_cookie().expect("cookie");
    let restarted = app.restart();
    let req =
        axum::http::Request::get("/proctor").header("cookie", cookie).body(axum::body::Body::empty()).expect("request");
    let res = tower::ServiceExt::oneshot(restarted, req).await.expect("response");
    assert_eq!(res.status(), StatusCode::OK);
}

async fn deactivated_accounts_lose_their_session(app: TestApp) {
    let (client, user) = app.login_as(Role::Student).await;
    client.get("/student").await.assert_status(StatusCode::OK);
    queries::set_active(&app.state.db, &user.id, false).await.expect("deactivate");
    client.get("/student").await.assert_status(StatusCode::SEE_OTHER);
    let res = app.client().login(&user.email, PASSWORD).await;
    res.assert_status(StatusCode::FORBIDDEN).assert_contains("This account is deactivated.");
}

async fn language_follows_header_then_choice(app: TestApp) {
    let client = app.client();
    let res = client.get_with("/login", &[("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")]).await;
    res.assert_contains("<html lang=\"fr\"").assert_contains("Se connecter");
    client.get("/login").await.assert_contains("<html lang=\"en\"");
    let res = client.post_form("/lang", &[("lang", "fr"), ("next", "/register")]).await;
    assert_eq!(res.location(), "/register");
    client.get("/login").await.assert_contains("Se connecter");
    // Open redirects are refused.
    let res = client.post_form("/lang", &[("lang", "en"), ("next", "//evil.example")]).await;
    assert_eq!(res.location(), "/");
    // The choice is remembered on the account and applied at the next login.
    let (user_client, user) = app.login_as(Role::Teacher).await;
    user_client.post_form("/lang", &[("lang", "fr")]).await;
    let fresh = app.client();
    fresh.login(&user.email, PASSWORD).await;
    fresh.get("/teacher").await.assert_contains("Examens que j'ai créés");
}
