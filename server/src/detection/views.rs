//! The live face check shown on the equipment-check page and before an exam starts.

use maud::{Markup, html};

use crate::web::PageCtx;

/// Where the browser build of the detector and its models are served.
pub const DETECTOR_BASE: &str = "/static/detector/";

/// Status line updated by static/exam.js from the in-browser detector (`data-faces` holds the
/// last face count, `unavailable` when WebAssembly cannot run).
pub fn detector_status(ctx: &PageCtx, base: &str) -> Markup {
    html! {
        p #detector-status role="status" aria-live="polite" hidden
            data-base=(base)
            data-loading=(ctx.t("check.loading"))
            data-one=(ctx.t("check.one_face"))
            data-none=(ctx.t("check.no_face"))
            data-many=(ctx.t("check.many_faces"))
            data-unavailable=(ctx.t("check.unavailable")) {}
    }
}

/// The equipment-check page.
pub fn check_page(ctx: &PageCtx, base: &str) -> Markup {
    html! {
        section.card #system-check {
            p { (ctx.t("check.intro")) }
            div.camera-check {
                video #camera-preview autoplay muted playsinline width="320" height="240" aria-label=(ctx.t("check.title")) {}
                p #camera-status role="status" aria-live="polite" {}
                (detector_status(ctx, base))
                dl.detector-figures {
                    dt { (ctx.t("check.timing")) }
                    dd #detector-ms { "–" }
                    dt { (ctx.t("check.objects")) }
                    dd #detector-objects { "–" }
                }
                button #camera-test type="button" data-granted=(ctx.t("check.camera_ok")) data-denied=(ctx.t("check.camera_denied")) {
                    (ctx.t("check.start"))
                }
            }
        }
    }
}
