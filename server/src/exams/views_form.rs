//! Form pieces of the exam editor that the shared `Field` does not cover: text areas, numbers
//! with bounds, check boxes, and the hidden CSRF field.

use maud::{Markup, html};

use crate::web::PageCtx;

/// The CSRF token every state-changing form carries.
pub fn csrf(ctx: &PageCtx) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(ctx.csrf); }
}

/// An error paragraph linked to its input.
fn error_line(id: &str, error: Option<&str>) -> Markup {
    html! { @if let Some(e) = error { p.field-error id={(id) "-error"} { (e) } } }
}

/// A labelled multi-line text field.
pub fn textarea(id: &str, name: &str, label: &str, value: &str, error: Option<&str>, hint: Option<&str>) -> Markup {
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (label) }
            @if let Some(h) = hint { p.hint id={(id) "-hint"} { (h) } }
            textarea id=(id) name=(name) rows="4" aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| format!("{id}-error")).or_else(|| hint.map(|_| format!("{id}-hint")))] { (value) }
            (error_line(id, error))
        }
    }
}

/// A labelled number field with bounds.
pub struct Number<'a> {
    /// Input id and name.
    pub name: &'a str,
    /// Label.
    pub label: &'a str,
    /// Value as typed.
    pub value: &'a str,
    /// Smallest value.
    pub min: i64,
    /// Largest value.
    pub max: i64,
    /// Translated error.
    pub error: Option<&'a str>,
}

impl Number<'_> {
    /// Renders the field.
    pub fn render(&self) -> Markup {
        let id = self.name;
        html! {
            div.field.invalid[self.error.is_some()] {
                label for=(id) { (self.label) }
                input id=(id) name=(self.name) type="number" inputmode="numeric" min=(self.min) max=(self.max)
                    value=(self.value) aria-invalid=[self.error.map(|_| "true")]
                    aria-describedby=[self.error.map(|_| format!("{id}-error"))];
                (error_line(id, self.error))
            }
        }
    }
}

/// A check box with its label.
pub fn checkbox(id: &str, name: &str, label: &str, checked: bool) -> Markup {
    html! {
        div.field.check {
            label for=(id) { input id=(id) type="checkbox" name=(name) value="on" checked[checked]; " " (label) }
        }
    }
}
