//! The profile: a user renames themselves and changes their password; the change signs out
//! their other sessions and API tokens, never this browser.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;

use crate::dual;
use crate::helpers::{PASSWORD, TestApp};

dual!(a_user_renames_themselves, changing_the_password_signs_out_everywhere_else);

async fn a_user_renames_themselves(app: TestApp) {
    let (client, user) = app.login_as(Role::Teacher).await;
    let page = client.get("/profile").await;
    page.assert_status(StatusCode::OK).assert_contains(&user.email).assert_contains("action=\"/profile/password\"");
    client.post_form("/profile", &[("name", "   ")]).await.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let res = client.post_form("/profile", &[("name", "  Ada <b>Lovelace</b> ")]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/profile?done=name");
    let page = client.get("/profile?done=name").await;
    page.assert_contains("Your name was saved.").assert_contains("Ada &lt;b&gt;Lovelace&lt;/b&gt;");
    let stored = proctorwise::accounts::queries::find(&app.state.db, &user.id).await.expect("db").expect("user");
    assert_eq!(stored.name, "Ada <b>Lovelace</b>");
    app.client().get("/profile").await.assert_status(StatusCode::SEE_OTHER);
}

async fn changing_the_password_signs_out_everywhere_else(app: TestApp) {
    let (here, user) = app.login_as(Role::Student).await;
    let elsewhere = app.client();
    elsewhere.login(&user.email, PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
    let token = app.token_for(&user).await;
    let new = "a brand new passphrase";

    // Refused: the current password is wrong, or the new one breaks a rule. Nothing changes.
    let wrong = here
        .post_form("/profile/password", &[("current_password", "not it"), ("password", new), ("password_confirm", new)])
        .await;
    wrong.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("The current password is not correct.");
    let short = here
        .post_form(
            "/profile/password",
            &[("current_password", PASSWORD), ("password", "short"), ("password_confirm", "short")],
        )
        .await;
    short.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    elsewhere.get("/student").await.assert_status(StatusCode::OK);

    // Changed: this browser stays in, the other one and the old token are out.
    let res = here
        .post_form("/profile/password", &[("current_password", PASSWORD), ("password", new), ("password_confirm", new)])
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/profile?done=password");
    here.get("/profile?done=password")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("other sessions were signed out");
    here.get("/student").await.assert_status(StatusCode::OK);
    let out = elsewhere.get("/student").await;
    out.assert_status(StatusCode::SEE_OTHER);
    assert!(out.location().starts_with("/login"), "{}", out.location());
    app.client().api_get("/api/v1/me", Some(&token)).await.assert_status(StatusCode::UNAUTHORIZED);

    // The old password no longer opens the account; the new one does.
    app.client().login(&user.email, PASSWORD).await.assert_status(StatusCode::UNAUTHORIZED);
    let again = app.client();
    again.login(&user.email, new).await.assert_status(StatusCode::SEE_OTHER);
    again.get("/student").await.assert_status(StatusCode::OK);
}
