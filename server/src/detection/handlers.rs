//! The equipment-check page.

use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;

use super::views;
use crate::accounts::extract::{AnyRole, Authed};
use crate::views::respond;
use crate::web::PageCtx;

/// Query of the check page: `build=nosimd` loads the build without SIMD (benchmarks only).
#[derive(Deserialize)]
pub struct CheckQuery {
    build: Option<String>,
}

/// `GET /system-check`: camera test and live face check, for any signed-in user.
pub async fn system_check(_user: Authed<AnyRole>, Query(q): Query<CheckQuery>, ctx: PageCtx) -> Response {
    let base = if q.build.as_deref() == Some("nosimd") { "/static/detector-nosimd/" } else { views::DETECTOR_BASE };
    respond(&ctx, ctx.t("check.title"), views::check_page(&ctx, base))
}
