//! The "Monitoring" part of the exam form and its summary on the exam page.

use maud::{Markup, html};
use wasm_detector::labels::COCO80;

use super::form::{self, DetectionForm};
use super::{DetectionDefaults, ExamDetection, MAX_WEIGHT};
use crate::exams::forms::FieldErrors;
use crate::exams::views_form::checkbox;
use crate::web::PageCtx;

const WEIGHT_LABELS: [&str; 4] = [
    "editor.detection.weight.low",
    "editor.detection.weight.medium",
    "editor.detection.weight.high",
    "editor.detection.weight.critical",
];

/// The fieldset of the exam form. `form` is `None` on a new exam: every check on, the default
/// labels ticked, the default weights as placeholders.
pub fn detection_fieldset(
    ctx: &PageCtx,
    form: Option<&DetectionForm>,
    defaults: &DetectionDefaults,
    errors: &FieldErrors,
) -> Markup {
    let fresh;
    let form = match form {
        Some(f) => f,
        None => {
            fresh = DetectionForm::from_detection(&ExamDetection::default(), &defaults.forbidden_objects);
            &fresh
        }
    };
    html! {
        fieldset #monitoring-settings aria-describedby="monitoring-hint" {
            legend { (ctx.t("editor.detection.legend")) }
            p.hint #monitoring-hint { (ctx.t("editor.detection.hint")) }
            input type="hidden" name=(form::MARKER) value="1";
            (checkbox(form::FACES, form::FACES, ctx.t("editor.detection.faces"), form.faces))
            (checkbox(form::OBJECTS, form::OBJECTS, ctx.t("editor.detection.objects"), form.objects))
            (labels_fieldset(ctx, form, defaults, errors))
            (weights_fieldset(ctx, form, defaults, errors))
        }
    }
}

fn labels_fieldset(ctx: &PageCtx, form: &DetectionForm, defaults: &DetectionDefaults, errors: &FieldErrors) -> Markup {
    let error = errors.get(form::LABELS).map(|k| form.error_text(ctx.lang, k));
    let ticked = COCO80.iter().filter(|l| form.has_label(l)).count();
    let described =
        if error.is_some() { "forbidden-objects-hint forbidden-objects-error" } else { "forbidden-objects-hint" };
    html! {
        fieldset #forbidden-objects .invalid[error.is_some()] aria-describedby=(described) {
            legend { (ctx.t("editor.detection.labels")) }
            p.hint #forbidden-objects-hint {
                (ctx.lang.tf("editor.detection.labels_hint", &[("labels", &defaults.forbidden_objects.join(", "))]))
            }
            @if let Some(e) = &error { p.field-error #forbidden-objects-error { (e) } }
            details open[error.is_some()] {
                summary { (ctx.lang.tf("editor.detection.labels_choose", &[("n", &ticked.to_string())])) }
                ul.label-choices {
                    @for (i, label) in COCO80.iter().enumerate() {
                        li {
                            input type="checkbox" id={"forbidden-" (i)} name=(form::LABELS) value=(label)
                                checked[form.has_label(label)];
                            " " label for={"forbidden-" (i)} { (label) }
                        }
                    }
                }
            }
        }
    }
}

fn weights_fieldset(ctx: &PageCtx, form: &DetectionForm, defaults: &DetectionDefaults, errors: &FieldErrors) -> Markup {
    html! {
        fieldset #risk-weights aria-describedby="risk-weights-hint" {
            legend { (ctx.t("editor.detection.weights")) }
            p.hint #risk-weights-hint { (ctx.t("editor.detection.weights_hint")) }
            @for (i, name) in form::WEIGHTS.iter().enumerate() {
                @let error = errors.get(name).map(|k| ctx.lang.t(k));
                @let default = defaults.risk_weights[i].to_string();
                div.field.invalid[error.is_some()] {
                    label for=(name) { (ctx.lang.tf(WEIGHT_LABELS[i], &[("n", &default)])) }
                    input id=(name) name=(name) type="number" inputmode="numeric" min="0" max=(MAX_WEIGHT)
                        value=(form.risk_weights[i]) placeholder=(default) aria-invalid=[error.map(|_| "true")]
                        aria-describedby=[error.map(|_| format!("{name}-error"))];
                    @if let Some(e) = error { p.field-error id={(name) "-error"} { (e) } }
                }
            }
        }
    }
}

/// The exam page's summary: what applies, and which values are the platform's defaults.
pub fn detection_summary(ctx: &PageCtx, d: &ExamDetection, defaults: &DetectionDefaults) -> Markup {
    let effective = d.resolve(defaults);
    let yes_no = |b: bool| ctx.t(if b { "editor.yes" } else { "editor.no" });
    let default_mark = ctx.t("editor.detection.default_mark");
    html! {
        section.card #monitoring aria-labelledby="monitoring-title" {
            h2 #monitoring-title { (ctx.t("editor.detection.legend")) }
            dl.settings {
                dt { (ctx.t("editor.detection.faces_short")) } dd #detect-faces { (yes_no(effective.faces)) }
                dt { (ctx.t("editor.detection.objects_short")) } dd #detect-objects { (yes_no(effective.objects)) }
                dt { (ctx.t("editor.detection.labels")) }
                dd #forbidden-objects-summary {
                    (effective.forbidden_objects.join(", "))
                    @if d.forbidden_objects.is_none() { " " (default_mark) }
                }
                dt { (ctx.t("editor.detection.weights")) }
                dd #risk-weights-summary {
                    @for (i, name) in SEVERITY_NAMES.iter().enumerate() {
                        @if i > 0 { " · " }
                        (ctx.lang.t(name)) " " (effective.risk_weights[i])
                        @if d.risk_weights[i].is_none() { " " (default_mark) }
                    }
                }
            }
        }
    }
}

/// Severity names, in the order of [`super::SEVERITIES`].
const SEVERITY_NAMES: [&str; 4] = [
    "editor.detection.severity.low",
    "editor.detection.severity.medium",
    "editor.detection.severity.high",
    "editor.detection.severity.critical",
];
