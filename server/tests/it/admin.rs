//! User administration by admins.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::accounts::queries;

use crate::dual;
use crate::helpers::{PASSWORD, TestApp};

dual!(
    admin_grants_a_role_that_takes_effect_at_once,
    admin_creates_accounts_with_any_role,
    admin_deactivates_and_reactivates,
    admins_cannot_lock_themselves_out,
    search_filters_and_htmx_gets_a_fragment,
    bad_admin_input_gets_clear_errors,
);

async fn admin_grants_a_role_that_takes_effect_at_once(app: TestApp) {
    let (admin, _) = app.login_as(Role::Admin).await;
    let (student, user) = app.login_as(Role::Student).await;
    student.get("/teacher").await.assert_status(StatusCode::FORBIDDEN);
    let res = admin.htmx_post(&format!("/admin/users/{}/role", user.id), &[("role", "teacher")]).await;
    res.assert_status(StatusCode::OK)
        .assert_contains(&format!("id=\"user-{}\"", user.id))
        .assert_contains("hx-swap-oob=\"beforeend:#toasts\"")
        .assert_contains("Role changed.");
    assert!(!res.body.contains("<html"), "htmx gets a fragment");
    // The student's existing session now carries the new role.
    student.get("/teacher").await.assert_status(StatusCode::OK);
    student.get("/student").await.assert_status(StatusCode::FORBIDDEN);
    // Without htmx the form redirects back to the list.
    let res = admin.post_form(&format!("/admin/users/{}/role", user.id), &[("role", "proctor")]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/admin/users?q="));
    let stored = queries::find(&app.state.db, &user.id).await.expect("query").expect("user");
    assert_eq!(stored.role, Role::Proctor);
}

async fn admin_creates_accounts_with_any_role(app: TestApp) {
    let (admin, _) = app.login_as(Role::Admin).await;
    admin.get("/admin/users/new").await.assert_status(StatusCode::OK).assert_contains("name=\"role\"");
    let res = admin
        .post_form(
            "/admin/users",
            &[
                ("name", "Paul Proctor"),
                ("email", "paul@school.test"),
                ("password", "password123"),
                ("role", "proctor"),
            ],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let paul = app.client();
    paul.login("paul@school.test", "password123").await.assert_status(StatusCode::SEE_OTHER);
    paul.get("/proctor").await.assert_status(StatusCode::OK);
    // The same email again is a clear error on the form.
    let res = admin
        .post_form(
            "/admin/users",
            &[("name", "Paul Again"), ("email", "Paul@School.test"), ("password", "password123"), ("role", "teacher")],
        )
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("An account with this email already exists.");
}

async fn admin_deactivates_and_reactivates(app: TestApp) {
    let (admin, _) = app.login_as(Role::Admin).await;
    let (teacher, user) = app.login_as(Role::Teacher).await;
    let res = admin.htmx_post(&format!("/admin/users/{}/active", user.id), &[("active", "false")]).await;
    res.assert_status(StatusCode::OK).assert_contains("Account deactivated.").assert_contains("class=\"inactive\"");
    teacher.get("/teacher").await.assert_status(StatusCode::SEE_OTHER);
    app.client().login(&user.email, PASSWORD).await.assert_status(StatusCode::FORBIDDEN);
    admin
        .htmx_post(&format!("/admin/users/{}/active", user.id), &[("active", "true")])
        .await
        .assert_status(StatusCode::OK);
    app.client().login(&user.email, PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
}

async fn admins_cannot_lock_themselves_out(app: TestApp) {
    let (admin, me) = app.login_as(Role::Admin).await;
    let res = admin.htmx_post(&format!("/admin/users/{}/role", me.id), &[("role", "student")]).await;
    res.assert_status(StatusCode::CONFLICT).assert_contains("You cannot change your own role");
    let res = admin.post_form(&format!("/admin/users/{}/active", me.id), &[("active", "false")]).await;
    res.assert_status(StatusCode::CONFLICT);
    admin.get("/admin").await.assert_status(StatusCode::OK);
}

async fn search_filters_and_htmx_gets_a_fragment(app: TestApp) {
    let (admin, _) = app.login_as(Role::Admin).await;
    app.create_user(Role::Student, "zoe.zimmer@example.test").await;
    app.create_user(Role::Teacher, "yann@example.test").await;
    let res = admin.get("/admin/users?q=ZIMMER").await;
    res.assert_status(StatusCode::OK).assert_contains("zoe.zimmer@example.test");
    assert!(!res.body.contains("yann@example.test"));
    let res = admin.get("/admin/users?role=teacher").await;
    res.assert_contains("yann@example.test");
    assert!(!res.body.contains("zoe.zimmer@example.test"));
    // LIKE wildcards typed by the admin are literal.
    admin.get("/admin/users?q=%25").await.assert_contains("No account matches this search.");
    let res = admin.get_with("/admin/users?q=yann", &[("hx-request", "true"), ("hx-target", "users-results")]).await;
    res.assert_status(StatusCode::OK).assert_contains("id=\"users-results\"").assert_contains("yann@example.test");
    assert!(!res.body.contains("<html"));
    assert_eq!(res.header("vary"), "HX-Request");
}

async fn bad_admin_input_gets_clear_errors(app: TestApp) {
    let (admin, _) = app.login_as(Role::Admin).await;
    let user = app.create_user(Role::Student, "kim@example.test").await;
    let res = admin.htmx_post(&format!("/admin/users/{}/role", user.id), &[("role", "superuser")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Choose one of the listed roles.");
    let res = admin.post_form("/admin/users/not-an-id/role", &[("role", "teacher")]).await;
    res.assert_status(StatusCode::NOT_FOUND);
    let res = admin.post_form(&format!("/admin/users/{}/role", uuid::Uuid::new_v4()), &[("role", "teacher")]).await;
    res.assert_status(StatusCode::NOT_FOUND);
    let res =
        admin.post_form("/admin/users", &[("name", ""), ("email", "x"), ("password", "1"), ("role", "root")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Enter your name.")
        .assert_contains("Choose one of the listed roles.");
}
