//! Bulk import pages: the upload form and the preview table with per-row errors.

use maud::{Markup, html};

use crate::exams::import::{COLUMNS, Format, ImportRow, MAX_ROWS, all_valid};
use crate::exams::model::Exam;
use crate::exams::views_form::csrf;
use crate::views::components::notice;
use crate::web::PageCtx;

/// The upload form, with a file-level error when there is one.
pub fn upload_form(ctx: &PageCtx, exam: &Exam, error: Option<&str>) -> Markup {
    let action = format!("/exams/{}/import", exam.id);
    html! {
        section.card #import {
            @if let Some(e) = error { (notice("error", e)) }
            p { (ctx.lang.tf("editor.import.lead", &[("max", &MAX_ROWS.to_string())])) }
            p.hint { code { (COLUMNS.join(",")) } }
            p { a href="/exams/import-example.csv" download="proctorwise-questions.csv" { (ctx.t("editor.import.example")) } }
            form method="post" action={(action) "?csrf_token=" (ctx.csrf)} enctype="multipart/form-data"
                hx-post=(action) hx-encoding="multipart/form-data" hx-target="#import" hx-swap="outerHTML" {
                (csrf(ctx))
                div.field.invalid[error.is_some()] {
                    label for="file" { (ctx.t("editor.import.file")) }
                    input #file type="file" name="file" accept=".csv,.json,text/csv,application/json" required;
                    p.hint { (ctx.t("editor.import.file_hint")) }
                }
                button.primary type="submit" { (ctx.t("editor.import.check")) }
                " " a href={"/exams/" (exam.id)} { (ctx.t("form.cancel")) }
            }
        }
    }
}

/// The preview table; the confirm form (carrying the file again, to be checked again) only
/// when every row is valid.
pub fn preview_table(ctx: &PageCtx, exam: &Exam, rows: &[ImportRow], format: Format, content: &str) -> Markup {
    let valid = all_valid(rows);
    let invalid = rows.iter().filter(|r| r.draft.is_none()).count();
    html! {
        section.card #import {
            @if valid {
                (notice("success", &ctx.lang.tf("editor.import.ready", &[("n", &rows.len().to_string())])))
            } @else {
                (notice("error", &ctx.lang.tf("editor.import.has_errors", &[("n", &invalid.to_string())])))
            }
            table.data #import-preview {
                caption.visually-hidden { (ctx.t("editor.import.preview")) }
                thead { tr {
                    th scope="col" { (ctx.t("editor.import.row")) }
                    th scope="col" { (ctx.t("editor.question.kind")) }
                    th scope="col" { (ctx.t("editor.question.prompt")) }
                    th scope="col" { (ctx.t("editor.import.options")) }
                    th scope="col" { (ctx.t("editor.question.points_label")) }
                    th scope="col" { (ctx.t("editor.import.status")) }
                } }
                tbody { @for row in rows { (preview_row(ctx, row)) } }
            }
            @if valid {
                form method="post" action={"/exams/" (exam.id) "/import/confirm"} {
                    (csrf(ctx))
                    input type="hidden" name="format" value=(format.as_str());
                    input type="hidden" name="content" value=(content);
                    button.primary type="submit" { (ctx.lang.tf("editor.import.confirm", &[("n", &rows.len().to_string())])) }
                    " " a href={"/exams/" (exam.id) "/import"} { (ctx.t("form.cancel")) }
                }
            } @else {
                p { a.button href={"/exams/" (exam.id) "/import"} { (ctx.t("editor.import.again")) } }
            }
        }
    }
}

fn preview_row(ctx: &PageCtx, row: &ImportRow) -> Markup {
    let prompt: String = row.input.prompt.chars().take(120).collect();
    html! {
        tr.invalid[row.draft.is_none()] {
            td { (row.number) }
            td { (row.input.kind) }
            td.prewrap { (prompt) }
            td { (row.input.options.iter().filter(|o| !o.trim().is_empty()).count()) }
            td { (row.input.points) }
            td {
                @if row.errors.is_empty() {
                    span.badge.ok { (ctx.t("editor.import.ok")) }
                } @else {
                    ul.row-errors {
                        @for (field, key) in &row.errors {
                            li { (ctx.lang.tf("editor.import.row_error", &[("row", &row.number.to_string()), ("field", field)])) " " (ctx.lang.t(key)) }
                        }
                    }
                }
            }
        }
    }
}
