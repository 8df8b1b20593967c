//! The admins' bookings page: filters, the results table, each row with its cancellation form.

use maud::{Markup, html};

use super::handlers::{BookingSearch, NOTE_MAX_CHARS};
use super::queries::AdminBooking;
use crate::bookings::status::{BookingStatus, CancelReason};
use crate::exams::model::{ExamSummary, Slot};
use crate::views::components::{datetime, local_time, notice, pagination};
use crate::views::layout::toast_fragment;
use crate::web::PageCtx;

/// The element htmx replaces when a filter changes (filters and results).
pub const CONTENT_ID: &str = "admin-bookings";

/// Filters and results.
pub fn content(
    ctx: &PageCtx,
    search: &BookingSearch,
    exams: &[ExamSummary],
    slots: &[Slot],
    results: Markup,
) -> Markup {
    html! {
        div id=(CONTENT_ID) {
            form.search role="search" method="get" action="/admin/bookings"
                hx-get="/admin/bookings" hx-target={"#" (CONTENT_ID)} hx-swap="outerHTML" hx-push-url="true"
                hx-trigger="change, input changed delay:400ms from:#booking-student, submit" {
                div.field {
                    label for="booking-exam" { (ctx.t("admin.bookings.exam")) }
                    select #booking-exam name="exam" {
                        option value="" { (ctx.t("admin.bookings.all_exams")) }
                        @for exam in exams {
                            option value=(exam.id) selected[search.exam == exam.id] { (exam.title) }
                        }
                    }
                }
                @if !slots.is_empty() {
                    div.field {
                        label for="booking-slot" { (ctx.t("admin.bookings.slot")) }
                        select #booking-slot name="slot" {
                            option value="" { (ctx.t("admin.bookings.all_slots")) }
                            @for slot in slots {
                                option value=(slot.id) selected[search.slot == slot.id] { (datetime(slot.starts_at)) }
                            }
                        }
                    }
                }
                div.field {
                    label for="booking-student" { (ctx.t("admin.bookings.student")) }
                    // Kept as typed while the results refresh around it.
                    input #booking-student type="search" name="student" value=(search.student) hx-preserve="true"
                        autocomplete="off";
                }
                div.field {
                    label for="booking-status" { (ctx.t("admin.bookings.status")) }
                    select #booking-status name="status" {
                        option value="" { (ctx.t("admin.bookings.all_statuses")) }
                        option value="active" selected[search.status == "active"] { (ctx.t("admin.bookings.status_active")) }
                        option value="cancelled" selected[search.status == "cancelled"] { (ctx.t("admin.bookings.status_cancelled")) }
                    }
                }
                button type="submit" { (ctx.t("admin.bookings.search_submit")) }
            }
            (results)
        }
    }
}

/// The results table, its count and its pages.
pub fn results(
    ctx: &PageCtx,
    rows: &[AdminBooking],
    search: &BookingSearch,
    page: i64,
    pages: i64,
    total: i64,
    now: i64,
) -> Markup {
    let link = |p: i64| {
        let query = serde_urlencoded::to_string([
            ("exam", search.exam.as_str()),
            ("slot", search.slot.as_str()),
            ("student", search.student.as_str()),
            ("status", search.status.as_str()),
            ("page", &p.to_string()),
        ])
        .unwrap_or_default();
        format!("/admin/bookings?{query}")
    };
    html! {
        div #bookings-results {
            p.muted role="status" { (ctx.lang.tf("admin.bookings.found", &[("n", &total.to_string())])) }
            @if rows.is_empty() {
                (notice("info", ctx.t("admin.bookings.none")))
            } @else {
                table.data {
                    caption.visually-hidden { (ctx.t("admin.bookings.title")) }
                    thead { tr {
                        th scope="col" { (ctx.t("admin.bookings.student_col")) }
                        th scope="col" { (ctx.t("admin.bookings.exam")) }
                        th scope="col" { (ctx.t("admin.bookings.slot")) }
                        th scope="col" { (ctx.t("admin.bookings.booked_at")) }
                        th scope="col" { (ctx.t("admin.bookings.status")) }
                        th scope="col" { (ctx.t("admin.bookings.actions")) }
                    } }
                    tbody { @for b in rows { (row(ctx, b, now, None)) } }
                }
                (pagination(ctx, ctx.t("admin.bookings.pages"), page, pages, link))
            }
        }
    }
}

/// One booking's row; `form_error` is the message typed and what is wrong with it.
pub fn row(ctx: &PageCtx, b: &AdminBooking, now: i64, form_error: Option<(&str, &str)>) -> Markup {
    let status = b.booking.status_at(now);
    let id = format!("booking-{}", b.booking.id);
    html! {
        tr id=(id) {
            td { (b.student_name) br; small.muted { (b.student_email) } }
            td { (b.booking.exam_title) }
            td { (local_time(b.booking.starts_at)) }
            td { (datetime(b.created_at)) }
            td { (status_cell(ctx, status, b.booking.cancel_note.as_deref())) }
            td.actions {
                @if matches!(status, BookingStatus::Scheduled | BookingStatus::Open) {
                    (cancel_form(ctx, b, &id, form_error))
                }
            }
        }
    }
}

/// The status as the admin reads it: who cancelled, and what an admin wrote to the student.
fn status_cell(ctx: &PageCtx, status: BookingStatus, note: Option<&str>) -> Markup {
    let who = match status {
        BookingStatus::Cancelled(reason) => Some(match reason {
            CancelReason::ByStudent => "admin.bookings.reason.by_student",
            CancelReason::SlotRemoved => "admin.bookings.reason.slot_removed",
            CancelReason::ByAdmin => "admin.bookings.reason.by_admin",
            CancelReason::ExamWithdrawn => "admin.bookings.reason.exam_withdrawn",
        }),
        _ => None,
    };
    html! {
        span.badge { (ctx.t(status.label_key())) }
        @if let Some(who) = who {
            " " span.cancel-reason { "(" (ctx.t(who)) ")" }
            @if let Some(note) = note { blockquote.cancel-note { (note) } }
        }
    }
}

fn cancel_form(ctx: &PageCtx, b: &AdminBooking, row_id: &str, form_error: Option<(&str, &str)>) -> Markup {
    let url = format!("/admin/bookings/{}/cancel", b.booking.id);
    let note_id = format!("note-{}", b.booking.id);
    let error_id = format!("note-error-{}", b.booking.id);
    html! {
        details open[form_error.is_some()] {
            summary { (ctx.t("admin.bookings.cancel_open")) span.visually-hidden { " — " (b.student_name) ", " (b.booking.exam_title) } }
            form method="post" action=(url) hx-post=(url) hx-target={"#" (row_id)} hx-swap="outerHTML" {
                input type="hidden" name="csrf_token" value=(ctx.csrf);
                div.field {
                    label for=(note_id) { (ctx.t("admin.bookings.note_label")) }
                    textarea id=(note_id) name="note" rows="3" required maxlength=(NOTE_MAX_CHARS)
                        aria-invalid=[form_error.map(|_| "true")] aria-describedby=[form_error.map(|_| error_id.as_str())] {
                        (form_error.map_or("", |(typed, _)| typed))
                    }
                    @if let Some((_, message)) = form_error {
                        p.field-error id=(error_id) role="alert" { (message) }
                    }
                }
                button.small.danger type="submit" { (ctx.t("admin.bookings.cancel_submit")) }
            }
        }
    }
}

/// The updated row and a toast delivered out of band.
pub fn row_with_toast(ctx: &PageCtx, b: &AdminBooking, now: i64, message: &str) -> Markup {
    html! {
        (row(ctx, b, now, None))
        div hx-swap-oob="beforeend:#toasts" { (toast_fragment("success", message)) }
    }
}
