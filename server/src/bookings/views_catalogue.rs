//! The catalogue: published exams with their upcoming slots, seats left and a "Book" button.

use maud::{Markup, html};

use super::queries::{ActiveBookings, CatalogueExam};
use super::views::JOURNEY_ID;
use crate::exams::model::Slot;
use crate::views::components::{local_time, notice};
use crate::web::PageCtx;

/// Every bookable exam, or a notice when there is none.
pub fn catalogue(ctx: &PageCtx, exams: &[CatalogueExam], active: &ActiveBookings) -> Markup {
    html! {
        @if exams.is_empty() {
            (notice("info", ctx.t("student.catalogue_empty")))
        } @else {
            div.catalogue {
                @for exam in exams { (exam_card(ctx, exam, active)) }
            }
        }
    }
}

fn exam_card(ctx: &PageCtx, exam: &CatalogueExam, active: &ActiveBookings) -> Markup {
    let title_id = format!("exam-{}-title", exam.id);
    let booked_exam = active.exams.contains(&exam.id);
    let minutes = ctx.lang.tf("exam.minutes", &[("n", &exam.duration_minutes.to_string())]);
    html! {
        article.card.exam-card #{"exam-" (exam.id)} aria-labelledby=(title_id) {
            h3 #(title_id) { (exam.title) }
            p.exam-meta { (exam.teacher_name) " · " (minutes) }
            @if !exam.description.is_empty() { p.exam-description { (exam.description) } }
            @if booked_exam { p.muted { (ctx.t("booking.exam_already_booked")) } }
            table.data.slots {
                caption.visually-hidden { (ctx.t("booking.slots_of")) " " (exam.title) }
                thead { tr {
                    th scope="col" { (ctx.t("booking.col.start")) }
                    th scope="col" { (ctx.t("exam.duration")) }
                    th scope="col" { (ctx.t("booking.col.seats")) }
                    th scope="col" { (ctx.t("booking.col.actions")) }
                } }
                tbody {
                    @for slot in &exam.slots { (slot_row(ctx, exam, slot, &minutes, active, booked_exam)) }
                }
            }
        }
    }
}

fn slot_row(
    ctx: &PageCtx,
    exam: &CatalogueExam,
    slot: &Slot,
    minutes: &str,
    active: &ActiveBookings,
    booked_exam: bool,
) -> Markup {
    let left = slot.seats_left();
    let seats = ctx.lang.tf("booking.seats_of", &[("n", &left.to_string()), ("total", &slot.capacity.to_string())]);
    html! {
        tr #{"slot-" (slot.id)} class=[(left == 0).then_some("full")] {
            td { (local_time(slot.starts_at)) }
            td { (minutes) }
            td.seats { (seats) }
            td {
                @if active.slots.contains(&slot.id) {
                    span.badge.ok { (ctx.t("booking.booked_badge")) }
                } @else if left == 0 {
                    span.badge.muted { (ctx.t("booking.full")) }
                } @else if !booked_exam {
                    form.inline method="post" action="/bookings" hx-post="/bookings"
                        hx-target={"#" (JOURNEY_ID)} hx-swap="outerHTML" {
                        input type="hidden" name="csrf_token" value=(ctx.csrf);
                        input type="hidden" name="slot_id" value=(slot.id);
                        button.small.primary type="submit" {
                            (ctx.t("booking.book"))
                            span.visually-hidden { " — " (exam.title) }
                        }
                    }
                } @else {
                    span aria-hidden="true" { "—" }
                }
            }
        }
    }
}
