//! The accommodations section: extra time granted to students, and the form to grant it.

use maud::{Markup, html};

use crate::accounts::model::User;
use crate::exams::forms::FieldErrors;
use crate::exams::model::{Accommodation, Exam};
use crate::exams::questions::forms::AccommodationForm;
use crate::exams::views_form::{Number, csrf};
use crate::views::components::{Field, notice};
use crate::web::PageCtx;

/// The section (htmx target of grant and remove).
pub fn accommodations_section(
    ctx: &PageCtx,
    exam: &Exam,
    list: &[(Accommodation, String, String)],
    form: &AccommodationForm,
    errors: &FieldErrors,
) -> Markup {
    html! {
        section.card #accommodations aria-labelledby="accommodations-title" {
            h2 #accommodations-title { (ctx.t("editor.accommodations")) }
            @if list.is_empty() {
                (notice("info", ctx.t("editor.accommodations.none")))
            } @else {
                table.data {
                    caption.visually-hidden { (ctx.t("editor.accommodations")) }
                    thead { tr {
                        th scope="col" { (ctx.t("field.name")) }
                        th scope="col" { (ctx.t("field.email")) }
                        th scope="col" { (ctx.t("editor.accommodation.minutes")) }
                        th scope="col" { (ctx.t("editor.accommodation.percent")) }
                        th scope="col" { (ctx.t("editor.accommodation.note")) }
                        th scope="col" { (ctx.t("editor.actions")) }
                    } }
                    tbody { @for (a, name, email) in list { (row(ctx, exam, a, name, email)) } }
                }
            }
            (grant_form(ctx, exam, form, errors))
        }
    }
}

fn row(ctx: &PageCtx, exam: &Exam, a: &Accommodation, name: &str, email: &str) -> Markup {
    let action = format!("/exams/{}/accommodations/{}/remove", exam.id, a.student_id);
    html! {
        tr id={"accommodation-" (a.student_id)} {
            td { (name) } td { (email) } td { (a.extra_minutes) } td { (a.extra_percent) " %" } td { (a.note) }
            td {
                form.inline method="post" action=(action) hx-post=(action) hx-target="#accommodations" hx-swap="outerHTML" {
                    (csrf(ctx)) button.small.danger type="submit" { (ctx.t("editor.accommodation.remove")) }
                }
            }
        }
    }
}

fn grant_form(ctx: &PageCtx, exam: &Exam, form: &AccommodationForm, errors: &FieldErrors) -> Markup {
    let err = |name: &str| errors.get(name).map(|k| ctx.lang.t(k));
    let action = format!("/exams/{}/accommodations", exam.id);
    let search = format!("/exams/{}/accommodations/students", exam.id);
    html! {
        form.grant method="post" action=(action) hx-post=(action) hx-target="#accommodations" hx-swap="outerHTML" novalidate {
            h3 { (ctx.t("editor.accommodation.grant")) }
            (csrf(ctx))
            div.field.invalid[err("email").is_some()] {
                label for="acc-email" { (ctx.t("editor.accommodation.student_email")) }
                input #acc-email type="email" name="email" value=(form.email) list="student-hits" autocomplete="off"
                    hx-get=(search) hx-trigger="input changed delay:300ms" hx-target="#student-hits" hx-swap="outerHTML"
                    aria-invalid=[err("email").map(|_| "true")] aria-describedby=[err("email").map(|_| "acc-email-error")];
                datalist #student-hits {}
                @if let Some(e) = err("email") { p.field-error #acc-email-error { (e) } }
            }
            (Number { name: "extra_minutes", label: ctx.t("editor.accommodation.minutes"), value: &form.extra_minutes, min: 0, max: 600, error: err("extra_minutes") }.render())
            (Number { name: "extra_percent", label: ctx.t("editor.accommodation.percent"), value: &form.extra_percent, min: 0, max: 200, error: err("extra_percent") }.render())
            (Field { name: "note", label: ctx.t("editor.accommodation.note"), kind: "text", value: &form.note, error: err("note"), autocomplete: "off", required: false }.render())
            button.primary type="submit" { (ctx.t("editor.accommodation.grant_submit")) }
        }
    }
}

/// Students matching the typed email, as options of the email field's list.
pub fn student_hits(students: &[User]) -> Markup {
    html! {
        datalist #student-hits {
            @for s in students { option value=(s.email) { (s.name) } }
        }
    }
}
