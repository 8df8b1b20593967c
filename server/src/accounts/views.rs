//! Login and registration pages.

use maud::{Markup, html};

use super::forms::FieldErrors;
use crate::views::components::{Field, notice};
use crate::web::PageCtx;

fn err(ctx: &PageCtx, errors: &FieldErrors, name: &str) -> Option<&'static str> {
    errors.get(name).map(|key| ctx.lang.t(key))
}

/// The login form, with an optional error notice.
pub fn login_form(ctx: &PageCtx, email: &str, next: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        section.card.narrow #login {
            p.lead { (ctx.t("login.lead")) }
            @if let Some(e) = error { (notice("error", e)) }
            form method="post" action="/login" novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                @if let Some(n) = next { input type="hidden" name="next" value=(n); }
                (Field { name: "email", label: ctx.t("field.email"), kind: "email", value: email, error: None, autocomplete: "username", required: true }.render())
                (Field { name: "password", label: ctx.t("field.password"), kind: "password", value: "", error: None, autocomplete: "current-password", required: true }.render())
                button.primary type="submit" { (ctx.t("login.submit")) }
            }
            p { a href="/password/forgot" { (ctx.t("recovery.forgot_link")) } }
            p { (ctx.t("login.no_account")) " " a href="/register" { (ctx.t("nav.register")) } }
        }
    }
}

/// The registration form with its values and errors.
pub fn register_form(ctx: &PageCtx, name: &str, email: &str, errors: &FieldErrors) -> Markup {
    html! {
        section.card.narrow #register {
            p.lead { (ctx.t("register.lead")) }
            @if !errors.is_empty() { (notice("error", ctx.t("form.has_errors"))) }
            form method="post" action="/register" novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                (Field { name: "name", label: ctx.t("field.name"), kind: "text", value: name, error: err(ctx, errors, "name"), autocomplete: "name", required: true }.render())
                (Field { name: "email", label: ctx.t("field.email"), kind: "email", value: email, error: err(ctx, errors, "email"), autocomplete: "email", required: true }.render())
                (Field { name: "password", label: ctx.t("field.password"), kind: "password", value: "", error: err(ctx, errors, "password"), autocomplete: "new-password", required: true }.render())
                (Field { name: "password_confirm", label: ctx.t("field.password_confirm"), kind: "password", value: "", error: err(ctx, errors, "password_confirm"), autocomplete: "new-password", required: true }.render())
                p.hint { (ctx.t("register.role_hint")) }
                button.primary type="submit" { (ctx.t("register.submit")) }
            }
            p { (ctx.t("register.have_account")) " " a href="/login" { (ctx.t("nav.login")) } }
        }
    }
}
