//! The profile page: the account's details, the name form and the password form.

use maud::{Markup, html};

use crate::accounts::forms::FieldErrors;
use crate::accounts::model::User;
use crate::views::components::{Field, local_time, notice};
use crate::web::PageCtx;

/// What the page shows besides the account: the name typed, the errors of each form, and the
/// outcome of the last change (`name` or `password`).
#[derive(Default)]
pub struct State<'a> {
    /// The name in the form (the account's, or what was typed).
    pub name: Option<&'a str>,
    /// Errors of the name form.
    pub name_errors: FieldErrors,
    /// Errors of the password form.
    pub password_errors: FieldErrors,
    /// The change just made.
    pub done: Option<&'a str>,
}

fn err(ctx: &PageCtx, errors: &FieldErrors, name: &str) -> Option<&'static str> {
    errors.get(name).map(|key| ctx.lang.t(key))
}

/// The whole profile.
pub fn page(ctx: &PageCtx, user: &User, state: &State<'_>) -> Markup {
    html! {
        @match state.done {
            Some("name") => (notice("success", ctx.t("profile.name_saved"))),
            Some("password") => (notice("success", ctx.t("profile.password_changed"))),
            _ => {},
        }
        section.card #profile-account {
            h2 { (ctx.t("profile.account")) }
            dl {
                dt { (ctx.t("profile.email")) } dd { (user.email) }
                dt { (ctx.t("profile.role")) } dd { (user.role.label(ctx.lang)) }
                dt { (ctx.t("profile.member_since")) } dd { (local_time(user.created_at)) }
            }
        }
        section.card #profile-name {
            h2 { (ctx.t("profile.name_title")) }
            @if !state.name_errors.is_empty() { (notice("error", ctx.t("form.has_errors"))) }
            form method="post" action="/profile" novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                (Field { name: "name", label: ctx.t("field.name"), kind: "text", value: state.name.unwrap_or(&user.name), error: err(ctx, &state.name_errors, "name"), autocomplete: "name", required: true }.render())
                button.primary type="submit" { (ctx.t("profile.save_name")) }
            }
        }
        section.card #profile-password {
            h2 { (ctx.t("profile.password_title")) }
            p.muted { (ctx.t("profile.password_lead")) }
            @if !state.password_errors.is_empty() { (notice("error", ctx.t("form.has_errors"))) }
            form method="post" action="/profile/password" novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                input type="hidden" name="username" value=(user.email) autocomplete="username";
                (Field { name: "current_password", label: ctx.t("profile.current_password"), kind: "password", value: "", error: err(ctx, &state.password_errors, "current_password"), autocomplete: "current-password", required: true }.render())
                (Field { name: "password", label: ctx.t("profile.new_password"), kind: "password", value: "", error: err(ctx, &state.password_errors, "password"), autocomplete: "new-password", required: true }.render())
                (Field { name: "password_confirm", label: ctx.t("field.password_confirm"), kind: "password", value: "", error: err(ctx, &state.password_errors, "password_confirm"), autocomplete: "new-password", required: true }.render())
                button.primary type="submit" { (ctx.t("profile.change_password")) }
            }
        }
    }
}
