//! Account recovery: a link by email that works once and for an hour, the same answer whether
//! or not the address exists, throttled, every session ended by the reset; admins send links.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::accounts::recovery::queries as links;
use proctorwise::notifications::outbox;

use crate::dual;
use crate::helpers::{Client, PASSWORD, TestApp, TestResponse};

dual!(
    a_new_student_confirms_the_address_before_logging_in,
    a_forgotten_password_is_reset_by_a_link_that_works_once,
    the_answer_does_not_reveal_accounts_and_requests_are_throttled,
    an_admin_sends_a_reset_link
);

/// The link of the latest reset email to `user_id`.
async fn emailed_link(app: &TestApp, user_id: &str) -> String {
    let emails = outbox::for_user(&app.state.db, user_id).await.expect("emails");
    // Oldest first: the latest is the last.
    let email = emails.iter().rev().find(|e| e.subject.contains("ProctorWise password")).expect("a reset email");
    let at = email.text_body.find("/password/reset?token=").expect("the link");
    email.text_body[at..].split_whitespace().next().expect("link").to_owned()
}

async fn ask(client: &Client, email: &str) -> TestResponse {
    client.get("/password/forgot").await.assert_status(StatusCode::OK);
    client.post_form("/password/forgot", &[("email", email)]).await
}

async fn a_forgotten_password_is_reset_by_a_link_that_works_once(app: TestApp) {
    let (signed_in, user) = app.login_as(Role::Student).await;
    let visitor = app.client();
    visitor.get("/login").await.assert_contains("href=\"/password/forgot\"");
    ask(&visitor, &user.email.to_uppercase())
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("a link to choose a new password is on its way");
    let link = emailed_link(&app, &user.id).await;
    let token = link.trim_start_matches("/password/reset?token=");
    // Only the token's hash is stored.
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM account_tokens WHERE user_id = ?")
        .bind(&user.id)
        .fetch_all(app.state.db.pool())
        .await
        .expect("links");
    assert_eq!(stored, vec![links::hash(token)]);
    assert_ne!(stored[0], token);

    visitor.get(&link).await.assert_status(StatusCode::OK).assert_contains("name=\"token\"");
    let new = "a passphrase from the email";
    visitor
        .post_form("/password/reset", &[("token", token), ("password", new), ("password_confirm", "typo")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let done =
        visitor.post_form("/password/reset", &[("token", token), ("password", new), ("password_confirm", new)]).await;
    done.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/login?reset=1");
    visitor.get("/login?reset=1").await.assert_contains("Your password was changed");

    // Spent: the link does not work twice; every session ended; the new password opens the account.
    visitor.get(&link).await.assert_status(StatusCode::GONE);
    visitor
        .post_form(
            "/password/reset",
            &[("token", token), ("password", "yet another one"), ("password_confirm", "yet another one")],
        )
        .await
        .assert_status(StatusCode::GONE);
    let out = signed_in.get("/student").await;
    out.assert_status(StatusCode::SEE_OTHER);
    app.client().login(&user.email, PASSWORD).await.assert_status(StatusCode::UNAUTHORIZED);
    app.client().login(&user.email, new).await.assert_status(StatusCode::SEE_OTHER);

    // An expired link does not work either.
    ask(&app.client(), &user.email).await.assert_status(StatusCode::OK);
    let second = emailed_link(&app, &user.id).await;
    assert_ne!(second, link, "a new link");
    sqlx::query("UPDATE account_tokens SET expires_at = 1 WHERE user_id = ? AND used_at IS NULL")
        .bind(&user.id)
        .execute(app.state.db.pool())
        .await
        .expect("expire");
    app.client().get(&second).await.assert_status(StatusCode::GONE).assert_contains("Ask for a new link");
}

async fn the_answer_does_not_reveal_accounts_and_requests_are_throttled(app: TestApp) {
    let user = app.create_user(Role::Teacher, "known@example.test").await;
    let client = app.client();
    let known = ask(&client, "known@example.test").await;
    let unknown = ask(&client, "nobody@example.test").await;
    known.assert_status(StatusCode::OK);
    unknown.assert_status(StatusCode::OK);
    let strip = |body: &str, email: &str| body.replace(email, "EMAIL").replace(&csrf_of(body), "CSRF");
    assert_eq!(
        strip(&known.body, "known@example.test"),
        strip(&unknown.body, "nobody@example.test"),
        "the same page either way"
    );
    assert_eq!(outbox::for_user(&app.state.db, &user.id).await.expect("emails").len(), 1);
    ask(&client, "not an address").await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    // At most 3 links an hour for one account; the answer stays the same.
    for _ in 0..3 {
        ask(&client, "known@example.test").await.assert_status(StatusCode::OK);
    }
    assert_eq!(outbox::for_user(&app.state.db, &user.id).await.expect("emails").len(), 3, "3 links an hour");
    // Ten requests from one address in 15 minutes, then 429 whatever the address asked about.
    let mut status = StatusCode::OK;
    for _ in 0..10 {
        status = ask(&client, "someone@example.test").await.status;
    }
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

fn csrf_of(body: &str) -> String {
    let marker = "name=\"csrf-token\" content=\"";
    body.find(marker)
        .map(|at| body[at + marker.len()..].split('"').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

async fn an_admin_sends_a_reset_link(app: TestApp) {
    let (admin, _) = app.login_as(Role::Admin).await;
    let user = app.create_user(Role::Proctor, "forgetful@example.test").await;
    admin.get("/admin/users").await.assert_contains(&format!("/admin/users/{}/reset-link", user.id));
    let res = admin.post_form(&format!("/admin/users/{}/reset-link", user.id), &[]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    let link = emailed_link(&app, &user.id).await;
    app.client().get(&link).await.assert_status(StatusCode::OK);
    let by: String = sqlx::query_scalar("SELECT requested_by FROM account_tokens WHERE user_id = ?")
        .bind(&user.id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("link");
    assert_eq!(by, "admin");
    let (student, _) = app.login_as(Role::Student).await;
    student.post_form(&format!("/admin/users/{}/reset-link", user.id), &[]).await.assert_status(StatusCode::FORBIDDEN);
}

async fn a_new_student_confirms_the_address_before_logging_in(app: TestApp) {
    let app = TestApp::with_config(app.backend, |c| c.accounts_mut().verify_email = true).await;
    let visitor = app.client();
    visitor.get("/register").await;
    let email = "new.student@example.test";
    let res = visitor
        .post_form(
            "/register",
            &[("name", "New Student"), ("email", email), ("password", PASSWORD), ("password_confirm", PASSWORD)],
        )
        .await;
    res.assert_status(StatusCode::OK).assert_contains("a link to confirm it is on its way");
    visitor.get("/student").await.assert_status(StatusCode::SEE_OTHER);
    // Not before the address is confirmed: the login says why and offers a new link.
    let refused = app.client().login(email, PASSWORD).await;
    refused
        .assert_status(StatusCode::FORBIDDEN)
        .assert_contains("Confirm your address first")
        .assert_contains("/register/resend");
    let (user, _) =
        proctorwise::accounts::queries::find_for_login(&app.state.db, email).await.expect("db").expect("user");
    assert!(!user.email_verified);
    // A new link, then the first one: either confirms (and the other is spent with it).
    let again = app.client();
    again.get("/register/resend").await.assert_status(StatusCode::OK);
    again.post_form("/register/resend", &[("email", email)]).await.assert_status(StatusCode::OK);
    let emails = outbox::for_user(&app.state.db, &user.id).await.expect("emails");
    let links: Vec<String> = emails
        .iter()
        .filter_map(|e| {
            e.text_body
                .find("/register/verify?token=")
                .map(|at| e.text_body[at..].split_whitespace().next().unwrap_or_default().to_owned())
        })
        .collect();
    assert_eq!(links.len(), 2, "one at registration, one on request");
    let confirmed = app.client();
    let res = confirmed.get(&links[0]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/student");
    confirmed.get("/student").await.assert_status(StatusCode::OK);
    app.client().get(&links[1]).await.assert_status(StatusCode::GONE);
    app.client().login(email, PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
    // A confirmed account gets no more links; a reset link does not confirm an address.
    app.client().post_form("/register/resend", &[("email", email)]).await.assert_status(StatusCode::OK);
    assert_eq!(outbox::for_user(&app.state.db, &user.id).await.expect("emails").len(), 2);
}
