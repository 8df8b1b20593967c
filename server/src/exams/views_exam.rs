//! The exam page and the settings form.

use maud::{Markup, html};

use super::detection::DetectionDefaults;
use super::detection::views::detection_fieldset;
use super::forms::{ExamForm, FieldErrors};
use super::model::{Exam, ExamStatus, ReleaseMode};
use super::views_form::{Number, checkbox, csrf, textarea};
use crate::views::components::{Field, notice};
use crate::web::PageCtx;

/// The settings form; `exam_id` is `None` when creating.
pub fn settings_form(
    ctx: &PageCtx,
    exam_id: Option<&str>,
    form: &ExamForm,
    defaults: &DetectionDefaults,
    errors: &FieldErrors,
) -> Markup {
    let err = |name: &str| errors.get(name).map(|k| ctx.lang.t(k));
    let action = exam_id.map_or_else(|| "/exams".to_owned(), |id| format!("/exams/{id}"));
    let cancel = exam_id.map_or_else(|| "/teacher".to_owned(), |id| format!("/exams/{id}"));
    html! {
        section.card #exam-settings-form {
            @if !errors.is_empty() { (notice("error", ctx.t("form.has_errors"))) }
            form method="post" action=(action) novalidate {
                (csrf(ctx))
                (Field { name: "title", label: ctx.t("editor.field.title"), kind: "text", value: &form.title, error: err("title"), autocomplete: "off", required: true }.render())
                (textarea("description", "description", ctx.t("editor.field.description"), &form.description, err("description"), Some(ctx.t("editor.hint.description"))))
                (Number { name: "duration_minutes", label: ctx.t("editor.field.duration"), value: &form.duration_minutes, min: 5, max: 300, error: err("duration_minutes") }.render())
                (Number { name: "pass_mark_percent", label: ctx.t("editor.field.pass_mark"), value: &form.pass_mark_percent, min: 0, max: 100, error: err("pass_mark_percent") }.render())
                (checkbox("shuffle_questions", "shuffle_questions", ctx.t("editor.field.shuffle_questions"), form.shuffle_questions.is_some()))
                (checkbox("shuffle_options", "shuffle_options", ctx.t("editor.field.shuffle_options"), form.shuffle_options.is_some()))
                fieldset.field.invalid[err("release_mode").is_some()] {
                    legend { (ctx.t("editor.field.release_mode")) }
                    @for (mode, key) in [(ReleaseMode::Immediate, "editor.release.immediate"), (ReleaseMode::Manual, "editor.release.manual")] {
                        label {
                            input type="radio" name="release_mode" value=(mode.as_str()) checked[form.release_mode == mode.as_str()];
                            " " (ctx.lang.t(key))
                        }
                    }
                    @if let Some(e) = err("release_mode") { p.field-error { (e) } }
                }
                (detection_fieldset(ctx, form.detection.as_ref(), defaults, errors))
                button.primary type="submit" { (ctx.t(if exam_id.is_some() { "editor.save" } else { "editor.create" })) }
                " " a href=(cancel) { (ctx.t("form.cancel")) }
            }
        }
    }
}

fn yes_no(ctx: &PageCtx, b: bool) -> &'static str {
    ctx.t(if b { "editor.yes" } else { "editor.no" })
}

/// The exam's settings and the actions on the whole exam.
pub fn exam_header(ctx: &PageCtx, exam: &Exam) -> Markup {
    let base = format!("/exams/{}", exam.id);
    let release =
        if exam.release_mode == ReleaseMode::Immediate { "editor.release.immediate" } else { "editor.release.manual" };
    html! {
        nav.actions aria-label=(ctx.t("editor.actions")) {
            a.button href={(base) "/edit"} { (ctx.t("editor.edit_settings")) }
            a.button href={(base) "/preview"} { (ctx.t("editor.preview")) }
            a.button href={(base) "/results"} { (ctx.t("grading.results")) }
            a.button href={(base) "/import"} { (ctx.t("editor.import")) }
            @if exam.status == ExamStatus::Published {
                form.inline method="post" action={(base) "/unpublish"} { (csrf(ctx)) button type="submit" { (ctx.t("editor.unpublish")) } }
            } @else {
                form.inline method="post" action={(base) "/publish"} { (csrf(ctx)) button.primary type="submit" { (ctx.t("editor.publish")) } }
            }
            form.inline method="post" action={(base) "/delete"} { (csrf(ctx)) button.danger type="submit" { (ctx.t("editor.delete")) } }
        }
        section.card #settings aria-labelledby="settings-title" {
            h2 #settings-title { (ctx.t("editor.settings")) }
            dl.settings {
                dt { (ctx.t("exam.status")) } dd { span.badge #exam-status { (ctx.lang.t(exam.status.label_key())) } }
                dt { (ctx.t("editor.field.description")) } dd.prewrap { (exam.description) }
                dt { (ctx.t("editor.field.duration")) } dd { (ctx.lang.tf("exam.minutes", &[("n", &exam.duration_minutes.to_string())])) }
                dt { (ctx.t("editor.field.pass_mark")) } dd { (exam.pass_mark_percent) " %" }
                dt { (ctx.t("editor.field.shuffle_questions")) } dd { (yes_no(ctx, exam.shuffle_questions)) }
                dt { (ctx.t("editor.field.shuffle_options")) } dd { (yes_no(ctx, exam.shuffle_options)) }
                dt { (ctx.t("editor.field.release_mode")) } dd { (ctx.lang.t(release)) }
            }
        }
    }
}

/// A page asking to confirm a destructive action: `message` says what will happen, the form
/// posts back to `action` with `confirm=yes` and the extra hidden `fields`.
pub fn confirm_page(
    ctx: &PageCtx,
    message: &str,
    action: &str,
    button: &str,
    back: &str,
    fields: &[(&str, &str)],
) -> Markup {
    html! {
        section.card.narrow.confirm {
            (notice("info", message))
            form method="post" action=(action) {
                (csrf(ctx))
                input type="hidden" name="confirm" value="yes";
                @for (k, v) in fields { input type="hidden" name=(k) value=(v); }
                button.danger type="submit" { (button) }
                " " a href=(back) { (ctx.t("form.cancel")) }
            }
        }
    }
}
