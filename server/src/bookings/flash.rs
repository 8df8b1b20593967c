//! One-shot notices carried in the session across the redirect that follows a plain form post
//! (without JavaScript), shown once on the bookings page.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::error::{AppError, AppResult};

/// Session key of the pending notice.
const SESSION_NOTICE: &str = "bookings.notice";

/// What just succeeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// A slot was booked.
    Booked,
    /// A booking was cancelled.
    Cancelled,
}

impl Notice {
    /// i18n key of the message.
    pub fn message_key(self) -> &'static str {
        match self {
            Notice::Booked => "booking.notice.booked",
            Notice::Cancelled => "booking.notice.cancelled",
        }
    }
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::from(e)
}

/// Keeps `notice` for the next page.
pub async fn set(session: &Session, notice: Notice) -> AppResult<()> {
    session.insert(SESSION_NOTICE, notice).await.map_err(session_error)
}

/// The pending notice, removed so it shows once.
pub async fn take(session: &Session) -> AppResult<Option<Notice>> {
    session.remove::<Notice>(SESSION_NOTICE).await.map_err(session_error)
}
