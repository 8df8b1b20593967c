//! Recovery pages.

use maud::{Markup, html};

use crate::accounts::forms::FieldErrors;
use crate::views::components::{Field, notice};
use crate::web::PageCtx;

/// The request form: the address to send a link to.
pub fn forgot_form(ctx: &PageCtx, email: &str, error: Option<&str>) -> Markup {
    html! {
        section.card.narrow #forgot {
            p.lead { (ctx.t("recovery.lead")) }
            form method="post" action="/password/forgot" novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                (Field { name: "email", label: ctx.t("field.email"), kind: "email", value: email, error, autocomplete: "username", required: true }.render())
                button.primary type="submit" { (ctx.t("recovery.send")) }
            }
            p { a href="/login" { (ctx.t("recovery.back_to_login")) } }
        }
    }
}

/// What every request is told, whether or not the address has an account.
pub fn sent(ctx: &PageCtx, email: &str) -> Markup {
    html! {
        section.card.narrow #forgot-sent {
            (notice("info", &ctx.lang.tf("recovery.sent", &[("email", email)])))
            p { a href="/login" { (ctx.t("recovery.back_to_login")) } }
        }
    }
}

/// A link that is unknown, used or expired.
pub fn link_invalid(ctx: &PageCtx) -> Markup {
    html! {
        section.card.narrow #reset-invalid {
            (notice("error", ctx.t("recovery.invalid")))
            p { a.button href="/password/forgot" { (ctx.t("recovery.ask_again")) } }
        }
    }
}

/// The new-password form of a working link.
pub fn reset_form(ctx: &PageCtx, token: &str, errors: &FieldErrors) -> Markup {
    let err = |name: &str| errors.get(name).map(|key| ctx.lang.t(key));
    html! {
        section.card.narrow #reset {
            p.lead { (ctx.t("recovery.new_lead")) }
            @if !errors.is_empty() { (notice("error", ctx.t("form.has_errors"))) }
            form method="post" action="/password/reset" novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                input type="hidden" name="token" value=(token);
                (Field { name: "password", label: ctx.t("profile.new_password"), kind: "password", value: "", error: err("password"), autocomplete: "new-password", required: true }.render())
                (Field { name: "password_confirm", label: ctx.t("field.password_confirm"), kind: "password", value: "", error: err("password_confirm"), autocomplete: "new-password", required: true }.render())
                button.primary type="submit" { (ctx.t("recovery.set_password")) }
            }
        }
    }
}

/// After registration (or a new link): the address must be confirmed.
pub fn check_inbox(ctx: &PageCtx, email: &str) -> Markup {
    html! {
        section.card.narrow #verify-sent {
            (notice("info", &ctx.lang.tf("verify.sent", &[("email", email)])))
            p { a href="/register/resend" { (ctx.t("verify.resend_link")) } }
            p { a href="/login" { (ctx.t("recovery.back_to_login")) } }
        }
    }
}

/// The form asking for a new confirmation link.
pub fn resend_form(ctx: &PageCtx, email: &str, error: Option<&str>) -> Markup {
    html! {
        section.card.narrow #verify-resend {
            p.lead { (ctx.t("verify.resend_lead")) }
            form method="post" action="/register/resend" novalidate {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                (Field { name: "email", label: ctx.t("field.email"), kind: "email", value: email, error, autocomplete: "username", required: true }.render())
                button.primary type="submit" { (ctx.t("recovery.send")) }
            }
        }
    }
}
