//! The slots section of the exam page: list with seats, the "add a slot" form, the removal
//! confirmation.

use maud::{Markup, html};

use crate::exams::forms::{FieldErrors, SlotForm};
use crate::exams::model::{Exam, Slot};
use crate::exams::views_form::{Number, csrf};
use crate::views::components::{local_time, notice};
use crate::web::PageCtx;

/// A slot whose removal waits for confirmation, with its number of active bookings.
pub struct PendingRemoval<'a> {
    /// The slot.
    pub slot: &'a Slot,
    /// Students who will be notified.
    pub bookings: i64,
}

/// The section (the htmx target of every slot action).
pub fn slots_section(
    ctx: &PageCtx,
    exam: &Exam,
    slots: &[Slot],
    form: &SlotForm,
    errors: &FieldErrors,
    pending: Option<PendingRemoval<'_>>,
) -> Markup {
    html! {
        section.card #slots aria-labelledby="slots-title" {
            h2 #slots-title { (ctx.t("editor.slots")) }
            @if let Some(p) = pending { (removal_confirmation(ctx, exam, &p)) }
            @if slots.is_empty() {
                (notice("info", ctx.t("editor.slots.none")))
            } @else {
                table.data {
                    caption.visually-hidden { (ctx.t("editor.slots")) }
                    thead { tr {
                        th scope="col" { (ctx.t("editor.slot.start")) }
                        th scope="col" { (ctx.t("editor.slot.end")) }
                        th scope="col" { (ctx.t("editor.slot.seats")) }
                        th scope="col" { (ctx.t("editor.actions")) }
                    } }
                    tbody { @for slot in slots { (slot_row(ctx, exam, slot)) } }
                }
            }
            (slot_form(ctx, exam, form, errors))
        }
    }
}

fn slot_row(ctx: &PageCtx, exam: &Exam, slot: &Slot) -> Markup {
    let action = format!("/exams/{}/slots/{}/remove", exam.id, slot.id);
    html! {
        tr id={"slot-" (slot.id)} {
            td { (local_time(slot.starts_at)) }
            td { (local_time(slot.ends_at)) }
            td.seats { (slot.booked) " / " (slot.capacity) }
            td {
                form.inline method="post" action=(action) hx-post=(action) hx-target="#slots" hx-swap="outerHTML" {
                    (csrf(ctx))
                    button.small.danger type="submit" { (ctx.t("editor.slot.remove")) }
                }
            }
        }
    }
}

fn removal_confirmation(ctx: &PageCtx, exam: &Exam, p: &PendingRemoval<'_>) -> Markup {
    let action = format!("/exams/{}/slots/{}/remove", exam.id, p.slot.id);
    let message = ctx.lang.tf("editor.slot.confirm_remove", &[("n", &p.bookings.to_string())]);
    html! {
        div.confirm #slot-removal {
            (notice("info", &message))
            form.inline method="post" action=(action) hx-post=(action) hx-target="#slots" hx-swap="outerHTML" {
                (csrf(ctx))
                input type="hidden" name="confirm" value="yes";
                button.danger type="submit" { (ctx.t("editor.slot.remove_and_notify")) }
                " " a href={"/exams/" (exam.id) "#slots"} { (ctx.t("form.cancel")) }
            }
        }
    }
}

fn slot_form(ctx: &PageCtx, exam: &Exam, form: &SlotForm, errors: &FieldErrors) -> Markup {
    let err = |name: &str| errors.get(name).map(|k| ctx.lang.t(k));
    let action = format!("/exams/{}/slots", exam.id);
    html! {
        form.add-slot method="post" action=(action) hx-post=(action) hx-target="#slots" hx-swap="outerHTML" novalidate {
            h3 { (ctx.t("editor.slot.add")) }
            (csrf(ctx))
            div.field.invalid[err("starts_local").is_some()] {
                label for="starts_local" { (ctx.t("editor.slot.start")) " " span.hint data-tz-note { (ctx.t("editor.slot.utc")) } }
                input #starts_local type="datetime-local" name="starts_local" data-utc-target="starts_at" value=(form.starts_local)
                    aria-invalid=[err("starts_local").map(|_| "true")] aria-describedby=[err("starts_local").map(|_| "starts_local-error")];
                input type="hidden" name="starts_at";
                @if let Some(e) = err("starts_local") { p.field-error #starts_local-error { (e) } }
            }
            (Number { name: "capacity", label: ctx.t("editor.slot.capacity"), value: &form.capacity, min: 1, max: 1000, error: err("capacity") }.render())
            p.hint { (ctx.lang.tf("editor.slot.end_hint", &[("n", &exam.duration_minutes.to_string())])) }
            button.primary type="submit" { (ctx.t("editor.slot.add_submit")) }
        }
    }
}
