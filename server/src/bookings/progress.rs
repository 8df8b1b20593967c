//! How far a student got with each booking: the status of the attempt started from it, if any.
//! The attempts answer for their table; the assembly point puts them in the state.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::db::Db;

/// The attempts' answer.
#[async_trait]
pub trait AttemptProgress: Send + Sync {
    /// The status of the attempt of each of these bookings that has one (`in_progress`,
    /// `submitted`), by booking id.
    async fn statuses(&self, db: &Db, booking_ids: &[&str]) -> sqlx::Result<HashMap<String, String>>;
}

/// The state's part holding the [`AttemptProgress`].
#[derive(Clone)]
pub struct Progress(pub Arc<dyn AttemptProgress>);
