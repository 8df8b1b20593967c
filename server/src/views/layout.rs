//! The one page layout. Handlers call [`respond`], which returns the whole page for a browser
//! navigation and only the content for an htmx request: the same function renders both.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::i18n::Lang;
use crate::web::PageCtx;

/// htmx settings: no inline indicator styles (CSP), swap 422 (re-rendered forms) and error
/// toasts, never evaluate strings as code.
const HTMX_CONFIG: &str = r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"422","swap":true},{"code":"[45]..","swap":true,"error":true}]}"#;

/// The full page around `content`.
pub fn page(ctx: &PageCtx, title: &str, content: Markup) -> Markup {
    let csrf_headers = format!(r#"{{"X-CSRF-Token":"{}"}}"#, ctx.csrf);
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="htmx-config" content=(HTMX_CONFIG);
                meta name="csrf-token" content=(ctx.csrf);
                title { (title) " · ProctorWise" }
                link rel="stylesheet" href="/static/app.css";
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
                script src="/static/vendor/htmx.min.js" defer {}
                script src="/static/vendor/htmx-sse.min.js" defer {}
                script src="/static/app.js" defer {}
                script src="/static/local-time.js" defer {}
                script src="/static/detector.js" defer {}
                script src="/static/monitor.js" defer {}
                script src="/static/exam.js" defer {}
            }
            body hx-headers=(csrf_headers) {
                a.skip-link href="#main" { (ctx.t("nav.skip")) }
                (header(ctx))
                main #main tabindex="-1" {
                    h1 { (title) }
                    (content)
                }
                div #toasts .toasts role="status" aria-live="polite" {}
                footer.site-footer { "ProctorWise · " (ctx.t("footer.tagline")) }
            }
        }
    }
}

/// Page for a navigation, bare content for htmx; `Vary: HX-Request` either way.
pub fn respond(ctx: &PageCtx, title: &str, content: Markup) -> Response {
    respond_with(ctx, StatusCode::OK, title, content)
}

/// Like [`respond`] with a status (422 for a form with errors).
pub fn respond_with(ctx: &PageCtx, status: StatusCode, title: &str, content: Markup) -> Response {
    let body = if ctx.htmx { content } else { page(ctx, title, content) };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("HX-Request"));
    response
}

fn header(ctx: &PageCtx) -> Markup {
    html! {
        header.site-header {
            a.brand href="/" { "ProctorWise" }
            @if let Some(viewer) = &ctx.viewer {
                nav aria-label=(ctx.t("nav.main")) {
                    ul {
                        @for (href, key) in viewer.nav {
                            li { a href=(href) aria-current=[ctx.path.split('?').next().filter(|p| p == href).map(|_| "page")] { (ctx.lang.t(key)) } }
                        }
                    }
                }
            }
            div.header-tools {
                (lang_switcher(ctx))
                @if let Some(viewer) = &ctx.viewer {
                    @if let Some(bell) = &viewer.bell { (bell) }
                    a.user-name href="/profile" title=(ctx.t("nav.profile")) { (viewer.name) " " span.badge.role { (viewer.role_label) } }
                    form method="post" action="/logout" {
                        input type="hidden" name="csrf_token" value=(ctx.csrf);
                        button.link type="submit" { (ctx.t("nav.logout")) }
                    }
                } @else {
                    a href="/login" { (ctx.t("nav.login")) }
                    a href="/register" { (ctx.t("nav.register")) }
                }
            }
        }
    }
}

fn lang_switcher(ctx: &PageCtx) -> Markup {
    html! {
        form.lang-switcher method="post" action="/lang" {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            input type="hidden" name="next" value=(ctx.path);
            label for="lang-select" .visually-hidden { (ctx.t("nav.language")) }
            select #lang-select name="lang" data-autosubmit {
                @for lang in Lang::ALL {
                    option value=(lang.code()) selected[lang == ctx.lang] { (lang.native_name()) }
                }
            }
            button type="submit" .small { (ctx.t("nav.language_apply")) }
        }
    }
}

/// A toast message (kind: `error`, `success`, `info`) appended to `#toasts`.
pub fn toast_fragment(kind: &str, message: &str) -> Markup {
    html! {
        div class={"toast toast-" (kind)} role="alert" { (message) }
    }
}

/// An error page.
pub fn error_page(ctx: &PageCtx, status: StatusCode, message: &str) -> Markup {
    let title = format!("{} {}", status.as_u16(), ctx.t("error.title"));
    page(
        ctx,
        &title,
        html! {
            p.error-message { (message) }
            p { a.button href="/" { (ctx.t("error.back_home")) } }
        },
    )
}
