//! Pages of user administration.

use maud::{Markup, html};

use super::handlers::UserSearch;
use crate::accounts::forms::{AdminUserForm, FieldErrors};
use crate::accounts::model::{Role, User};
use crate::views::components::{Field, datetime, notice, pagination};
use crate::views::layout::toast_fragment;
use crate::web::PageCtx;

/// The page: search form and results.
pub fn users_page(ctx: &PageCtx, search: &UserSearch, results: Markup) -> Markup {
    html! {
        p { a.button.primary href="/admin/users/new" { (ctx.t("admin.users.new")) } }
        form.search role="search" method="get" action="/admin/users"
            hx-get="/admin/users" hx-target="#users-results" hx-swap="outerHTML"
            hx-trigger="input changed delay:300ms from:#q, change from:#role, submit" hx-push-url="true" {
            div.field {
                label for="q" { (ctx.t("admin.users.search")) }
                input #q type="search" name="q" value=(search.q) placeholder=(ctx.t("admin.users.search_hint"));
            }
            div.field {
                label for="role" { (ctx.t("field.role")) }
                select #role name="role" {
                    option value="" { (ctx.t("admin.users.all_roles")) }
                    @for role in Role::ALL {
                        option value=(role.as_str()) selected[search.role == role.as_str()] { (role.label(ctx.lang)) }
                    }
                }
            }
            button type="submit" { (ctx.t("admin.users.search_submit")) }
        }
        (results)
    }
}

/// The results table with pagination (the htmx search target).
pub fn results(ctx: &PageCtx, users: &[User], search: &UserSearch, page: i64, pages: i64) -> Markup {
    let link = |p: i64| {
        format!(
            "/admin/users?{}",
            serde_urlencoded::to_string([
                ("q", search.q.as_str()),
                ("role", search.role.as_str()),
                ("page", &p.to_string())
            ])
            .unwrap_or_default()
        )
    };
    html! {
        div #users-results {
            @if users.is_empty() {
                (notice("info", ctx.t("admin.users.none")))
            } @else {
                table.data {
                    caption.visually-hidden { (ctx.t("admin.users.title")) }
                    thead { tr {
                        th scope="col" { (ctx.t("field.name")) }
                        th scope="col" { (ctx.t("field.email")) }
                        th scope="col" { (ctx.t("field.role")) }
                        th scope="col" { (ctx.t("admin.users.status")) }
                        th scope="col" { (ctx.t("field.password")) }
                        th scope="col" { (ctx.t("admin.users.created")) }
                    } }
                    tbody { @for user in users { (user_row(ctx, user)) } }
                }
                (pagination(ctx, ctx.t("admin.users.pages"), page, pages, link))
            }
        }
    }
}

/// One user's row with its role and activation controls.
pub fn user_row(ctx: &PageCtx, user: &User) -> Markup {
    let row_id = format!("user-{}", user.id);
    let is_self = ctx.viewer.as_ref().is_some_and(|me| me.id == user.id);
    html! {
        tr #(row_id) .inactive[!user.active] {
            td { (user.name) }
            td { (user.email) }
            td {
                form.inline method="post" action={"/admin/users/" (user.id) "/role"}
                    hx-post={"/admin/users/" (user.id) "/role"} hx-target={"#" (row_id)} hx-swap="outerHTML" {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    label.visually-hidden for={"role-" (user.id)} { (ctx.t("field.role")) " — " (user.name) }
                    select id={"role-" (user.id)} name="role" disabled[is_self] {
                        @for role in Role::ALL {
                            option value=(role.as_str()) selected[role == user.role] { (role.label(ctx.lang)) }
                        }
                    }
                    button.small type="submit" disabled[is_self] { (ctx.t("admin.users.change_role")) }
                }
            }
            td {
                form.inline method="post" action={"/admin/users/" (user.id) "/active"}
                    hx-post={"/admin/users/" (user.id) "/active"} hx-target={"#" (row_id)} hx-swap="outerHTML"
                    hx-confirm=[user.active.then(|| ctx.t("admin.users.confirm_deactivate"))] {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    input type="hidden" name="active" value=(if user.active { "false" } else { "true" });
                    span.badge.ok[user.active].muted[!user.active] {
                        (if user.active { ctx.t("admin.users.active") } else { ctx.t("admin.users.inactive") })
                    }
                    " "
                    button.small type="submit" disabled[is_self] {
                        (if user.active { ctx.t("admin.users.deactivate") } else { ctx.t("admin.users.reactivate") })
                    }
                }
            }
            td {
                form.inline method="post" action={"/admin/users/" (user.id) "/reset-link"}
                    hx-post={"/admin/users/" (user.id) "/reset-link"} hx-target={"#" (row_id)} hx-swap="outerHTML" {
                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                    button.small type="submit" disabled[!user.active] { (ctx.t("recovery.admin.send")) }
                }
            }
            td { (datetime(user.created_at)) }
        }
    }
}

/// The updated row plus a toast delivered out of band.
pub fn user_row_with_toast(ctx: &PageCtx, user: &User, message: &str) -> Markup {
    html! {
        (user_row(ctx, user))
        div hx-swap-oob="beforeend:#toasts" { (toast_fragment("success", message)) }
    }
}

/// The admin's form to create an account with any role.
pub fn new_user_form(ctx: &PageCtx, form: &AdminUserForm, errors: &FieldErrors) -> Markup {
    let err = |name: &str| errors.get(name).map(|k| ctx.lang.t(k));
    html! {
        section.card.narrow {
            @if !errors.is_empty() { (notice("error", ctx.t("form.has_errors"))) }
            form method="post" action="/admin/users" novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                (Field { name: "name", label: ctx.t("field.name"), kind: "text", value: &form.name, error: err("name"), autocomplete: "off", required: true }.render())
                (Field { name: "email", label: ctx.t("field.email"), kind: "email", value: &form.email, error: err("email"), autocomplete: "off", required: true }.render())
                (Field { name: "password", label: ctx.t("admin.users.initial_password"), kind: "password", value: "", error: err("password"), autocomplete: "new-password", required: true }.render())
                div.field.invalid[err("role").is_some()] {
                    label for="new-role" { (ctx.t("field.role")) }
                    select #new-role name="role" {
                        @for role in Role::ALL {
                            option value=(role.as_str()) selected[form.role == role.as_str()] { (role.label(ctx.lang)) }
                        }
                    }
                    @if let Some(e) = err("role") { p.field-error { (e) } }
                }
                button.primary type="submit" { (ctx.t("admin.users.create")) }
                " " a href="/admin/users" { (ctx.t("form.cancel")) }
            }
        }
    }
}
