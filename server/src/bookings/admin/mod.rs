//! Every booking, for admins: found by exam, slot, student or status, and cancelled with a
//! message the student is sent (in the app and by email, through the `exam_cancelled` event).

mod handlers;
mod queries;
mod views;

pub use handlers::{cancel, list};
