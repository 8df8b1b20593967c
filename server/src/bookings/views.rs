//! The student's bookings: the student home (current bookings above the catalogue), the full
//! "My bookings" page, and the fragments htmx swaps after a booking or a cancellation.

use maud::{Markup, html};

use super::flash::Notice;
use super::queries::{ActiveBookings, CatalogueExam, StudentBooking};
use super::status::{BookingStatus, starts_in};
use super::views_catalogue::catalogue;
use crate::views::components::{local_time, notice};
use crate::views::layout::toast_fragment;
use crate::web::PageCtx;

/// Id of the student home's content, swapped whole after a change made there.
pub const JOURNEY_ID: &str = "student-journey";
/// Id of the "My bookings" page's list, swapped after a change made there.
pub const PANEL_ID: &str = "my-bookings";

/// The student home: current bookings, then the catalogue.
pub fn journey(
    ctx: &PageCtx,
    current: &[StudentBooking],
    exams: &[CatalogueExam],
    active: &ActiveBookings,
    now: i64,
) -> Markup {
    html! {
        div #(JOURNEY_ID) {
            section.my-bookings aria-labelledby="my-bookings-title" {
                h2 #my-bookings-title { (ctx.t("booking.my_title")) }
                @if current.is_empty() {
                    p.muted { (ctx.t("booking.none_current")) }
                } @else {
                    (bookings_table(ctx, current, now, JOURNEY_ID))
                }
                p { a href="/bookings" { (ctx.t("booking.all_link")) } }
            }
            section aria-labelledby="catalogue-title" {
                h2 #catalogue-title { (ctx.t("student.catalogue")) }
                (catalogue(ctx, exams, active))
            }
        }
    }
}

/// The "My bookings" page around its list.
pub fn my_bookings_page(ctx: &PageCtx, flash: Option<Notice>, panel: Markup) -> Markup {
    html! {
        @if let Some(n) = flash { (notice("success", ctx.lang.t(n.message_key()))) }
        (panel)
        p { a.button href="/student" { (ctx.t("booking.catalogue_link")) } }
    }
}

/// Every booking of the student (the htmx target of the "My bookings" page).
pub fn bookings_panel(ctx: &PageCtx, bookings: &[StudentBooking], now: i64) -> Markup {
    html! {
        div #(PANEL_ID) {
            @if bookings.is_empty() {
                (notice("info", ctx.t("booking.none")))
            } @else {
                (bookings_table(ctx, bookings, now, PANEL_ID))
            }
        }
    }
}

/// A swapped fragment plus a success toast delivered out of band.
pub fn with_toast(fragment: Markup, message: &str) -> Markup {
    html! {
        (fragment)
        div hx-swap-oob="beforeend:#toasts" { (toast_fragment("success", message)) }
    }
}

/// A table of bookings; `target` is the id of the element a cancellation swaps.
fn bookings_table(ctx: &PageCtx, bookings: &[StudentBooking], now: i64, target: &str) -> Markup {
    html! {
        table.data.bookings {
            caption.visually-hidden { (ctx.t("booking.my_title")) }
            thead { tr {
                th scope="col" { (ctx.t("exam.title")) }
                th scope="col" { (ctx.t("exam.teacher")) }
                th scope="col" { (ctx.t("booking.col.when")) }
                th scope="col" { (ctx.t("exam.duration")) }
                th scope="col" { (ctx.t("exam.status")) }
                th scope="col" { (ctx.t("booking.col.actions")) }
            } }
            tbody { @for b in bookings { (booking_row(ctx, b, now, target)) } }
        }
    }
}

fn booking_row(ctx: &PageCtx, b: &StudentBooking, now: i64, target: &str) -> Markup {
    let status = b.status_at(now);
    html! {
        tr #{"booking-" (b.id)} data-status=(status.as_str()) {
            td { (b.exam_title) }
            td { (b.teacher_name) }
            td {
                (local_time(b.starts_at))
                @if status == BookingStatus::Scheduled {
                    br;
                    span.countdown { (starts_in(ctx.lang, b.starts_at - now)) }
                }
            }
            td { (ctx.lang.tf("exam.minutes", &[("n", &b.duration_minutes.to_string())])) }
            td { (status_badge(ctx, status, b.cancel_note.as_deref())) }
            td.actions { (actions(ctx, b, status, target)) }
        }
    }
}

/// The status, with why a cancelled booking was cancelled (and what the admin wrote).
fn status_badge(ctx: &PageCtx, status: BookingStatus, note: Option<&str>) -> Markup {
    let class = match status {
        BookingStatus::Open | BookingStatus::InProgress | BookingStatus::Completed => "badge ok",
        BookingStatus::Cancelled(_) | BookingStatus::Missed => "badge muted",
        BookingStatus::Scheduled => "badge",
    };
    html! {
        span class=(class) { (ctx.lang.t(status.label_key())) }
        @if let BookingStatus::Cancelled(reason) = status {
            " " span.cancel-reason { "(" (ctx.lang.t(reason.label_key())) ")" }
            @if let Some(note) = note {
                blockquote.cancel-note { (note) }
            }
        }
    }
}

fn actions(ctx: &PageCtx, b: &StudentBooking, status: BookingStatus, target: &str) -> Markup {
    let cancel_url = format!("/bookings/{}/cancel", b.id);
    let start_url = format!("/bookings/{}/start", b.id);
    html! {
        @if status.can_cancel() {
            form.inline method="post" action=(cancel_url) hx-post=(cancel_url) hx-target={"#" (target)}
                hx-swap="outerHTML" hx-confirm=(ctx.t("booking.confirm_cancel")) {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                button.small type="submit" {
                    (ctx.t("booking.cancel"))
                    span.visually-hidden { " — " (b.exam_title) }
                }
            }
        } @else if status == BookingStatus::Open {
            a.button.primary href=(start_url) { (ctx.t("booking.take")) }
        } @else if status == BookingStatus::InProgress {
            a.button.primary href=(start_url) { (ctx.t("booking.continue")) }
        }
    }
}
