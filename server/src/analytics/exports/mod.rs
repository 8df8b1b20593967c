//! Downloads: the PDF and CSV reports and the streamed exports.

pub mod csv;
pub(in crate::analytics) mod handlers;
pub mod pdf;
pub mod pdf_reports;
pub mod stream;
