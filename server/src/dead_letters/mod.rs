//! Dead letters for admins: the event messages a consumer could not read (see
//! `events::dead_letter`, which owns the table), parked after a few attempts.

mod admin;
pub mod messages;

use crate::routing::Routes;

/// Routes of the dead-letters page.
pub fn routes() -> Routes {
    Routes::new().get("/admin/dead-letters", admin::list_dead_letters)
}
