//! What the rest of the product holds on an exam: seats booked on its slots and attempts
//! started. The editor asks before a destructive change (a frozen duration, a slot with seats)
//! and tells the holders when a slot or the whole exam goes away. The bookings and the attempts
//! answer for their own tables; the assembly point puts them in the state.

use std::sync::Arc;

use async_trait::async_trait;

use crate::app::AppState;
use crate::db::Db;

/// Seats booked on an exam's slots (the bookings context).
#[async_trait]
pub trait Seats: Send + Sync {
    /// Active seats on one slot.
    async fn on_slot(&self, db: &Db, slot_id: &str) -> sqlx::Result<i64>;

    /// Active seats on every slot of an exam.
    async fn on_exam(&self, db: &Db, exam_id: &str) -> sqlx::Result<i64>;

    /// Removes the slot and releases its seats (each student told why), one transaction; how
    /// many seats were released.
    async fn remove_slot(&self, db: &Db, slot_id: &str, by: &str) -> sqlx::Result<usize>;

    /// Releases every seat of an exam that is deleted or unpublished (`reason`); how many.
    async fn release_exam(&self, db: &Db, exam_id: &str, reason: &str, by: &str) -> sqlx::Result<usize>;
}

/// Attempts at an exam (the attempts context).
#[async_trait]
pub trait Takers: Send + Sync {
    /// Attempts started at an exam, in any state (its duration is then frozen).
    async fn started(&self, db: &Db, exam_id: &str) -> sqlx::Result<i64>;

    /// Submitted attempts that answered a question (to offer a regrade after a key change).
    async fn answered(&self, db: &Db, question_id: &str) -> sqlx::Result<i64>;
}

/// The state's part holding both.
#[derive(Clone)]
pub struct Holders {
    /// The bookings' answer.
    pub seats: Arc<dyn Seats>,
    /// The attempts' answer.
    pub takers: Arc<dyn Takers>,
}

impl AppState {
    /// Who holds seats on exams' slots.
    pub fn seats(&self) -> &dyn Seats {
        self.part::<Holders>().seats.as_ref()
    }

    /// Who started exams.
    pub fn takers(&self) -> &dyn Takers {
        self.part::<Holders>().takers.as_ref()
    }
}
