//! What a booking means to its student right now, derived on the server from the stored facts
//! and the clock (pure, tested with a fake clock), and the "starts in …" countdown text.

use std::cmp::Ordering;

use crate::i18n::Lang;

/// Why a booking was cancelled, as the student reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelReason {
    /// The student cancelled it.
    ByStudent,
    /// The teacher removed the slot.
    SlotRemoved,
    /// An administrator cancelled it (with a message to the student).
    ByAdmin,
    /// The exam was unpublished or deleted (any other stored reason).
    ExamWithdrawn,
}

impl CancelReason {
    /// From `bookings.cancel_reason` as `bookings::service` writes it.
    pub fn from_stored(reason: Option<&str>) -> Self {
        match reason {
            Some("cancelled_by_student") => CancelReason::ByStudent,
            Some("slot_removed") => CancelReason::SlotRemoved,
            Some("cancelled_by_admin") => CancelReason::ByAdmin,
            _ => CancelReason::ExamWithdrawn,
        }
    }

    /// Stable API form.
    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::ByStudent => "by_student",
            CancelReason::SlotRemoved => "slot_removed",
            CancelReason::ByAdmin => "by_admin",
            CancelReason::ExamWithdrawn => "exam_withdrawn",
        }
    }

    /// i18n key of the explanation.
    pub fn label_key(self) -> &'static str {
        match self {
            CancelReason::ByStudent => "booking.reason.by_student",
            CancelReason::SlotRemoved => "booking.reason.slot_removed",
            CancelReason::ByAdmin => "booking.reason.by_admin",
            CancelReason::ExamWithdrawn => "booking.reason.exam_withdrawn",
        }
    }
}

/// The status a student sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingStatus {
    /// Active, the slot has not started.
    Scheduled,
    /// Active, the slot window is open and no attempt was started yet.
    Open,
    /// An attempt is running.
    InProgress,
    /// The attempt was submitted.
    Completed,
    /// Cancelled, with why.
    Cancelled(CancelReason),
    /// Active, the slot is over and no attempt was made.
    Missed,
}

impl BookingStatus {
    /// Stable API form.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Scheduled => "scheduled",
            BookingStatus::Open => "open",
            BookingStatus::InProgress => "in_progress",
            BookingStatus::Completed => "completed",
            BookingStatus::Cancelled(_) => "cancelled",
            BookingStatus::Missed => "missed",
        }
    }

    /// i18n key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            BookingStatus::Scheduled => "booking.status.scheduled",
            BookingStatus::Open => "booking.status.open",
            BookingStatus::InProgress => "booking.status.in_progress",
            BookingStatus::Completed => "booking.status.completed",
            BookingStatus::Cancelled(_) => "booking.status.cancelled",
            BookingStatus::Missed => "booking.status.missed",
        }
    }

    /// Still ahead of the student or under way (shown above the catalogue).
    pub fn is_current(self) -> bool {
        matches!(self, BookingStatus::Scheduled | BookingStatus::Open | BookingStatus::InProgress)
    }

    /// The student may cancel (only before the slot starts).
    pub fn can_cancel(self) -> bool {
        self == BookingStatus::Scheduled
    }

    /// The student may go to the exam page (start, or come back to a running attempt).
    pub fn can_start(self) -> bool {
        matches!(self, BookingStatus::Open | BookingStatus::InProgress)
    }
}

/// The stored facts the status is derived from.
#[derive(Clone, Copy, Debug)]
pub struct Facts<'a> {
    /// `bookings.status = 'active'`.
    pub active: bool,
    /// `bookings.cancel_reason`.
    pub cancel_reason: Option<&'a str>,
    /// `attempts.status` of the booking's attempt, if one exists.
    pub attempt_status: Option<&'a str>,
    /// Slot start, UTC ms.
    pub starts_at: i64,
    /// Slot end, UTC ms.
    pub ends_at: i64,
}

/// The status at `now`. A submitted attempt is always "completed" (even if the exam was withdrawn
/// afterwards); a cancellation wins over a running attempt; otherwise the clock decides.
pub fn derive(now: i64, f: &Facts<'_>) -> BookingStatus {
    if f.attempt_status == Some("submitted") {
        return BookingStatus::Completed;
    }
    if !f.active {
        return BookingStatus::Cancelled(CancelReason::from_stored(f.cancel_reason));
    }
    if f.attempt_status.is_some() {
        return BookingStatus::InProgress;
    }
    if now < f.starts_at {
        BookingStatus::Scheduled
    } else if now < f.ends_at {
        BookingStatus::Open
    } else {
        BookingStatus::Missed
    }
}

/// Display order: current bookings first, soonest first; then the others, most recent first.
pub fn display_order(a: (BookingStatus, i64), b: (BookingStatus, i64)) -> Ordering {
    let key = |(status, starts_at): (BookingStatus, i64)| {
        if status.is_current() { (0, starts_at) } else { (1, -starts_at) }
    };
    key(a).cmp(&key(b))
}

/// "starts in 2 h 15 min": the time left until `ms_left` from now, rounded up to the minute.
pub fn starts_in(lang: Lang, ms_left: i64) -> String {
    lang.tf("booking.starts_in", &[("time", &duration_text(lang, ms_left))])
}

/// A duration in days, hours and minutes (minutes dropped beyond a day), rounded up to the minute.
pub fn duration_text(lang: Lang, ms: i64) -> String {
    if ms <= 0 {
        return lang.t("booking.unit.now").to_owned();
    }
    let minutes = (ms + 59_999) / 60_000;
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    let unit = |key: &'static str, n: i64| lang.tf(key, &[("n", &n.to_string())]);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(unit("booking.unit.days", days));
    }
    if hours > 0 {
        parts.push(unit("booking.unit.hours", hours));
    }
    if mins > 0 && days == 0 {
        parts.push(unit("booking.unit.minutes", mins));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const START: i64 = 1_000 * MIN;
    const END: i64 = START + 60 * MIN;

    fn facts<'a>(active: bool, reason: Option<&'a str>, attempt: Option<&'a str>) -> Facts<'a> {
        Facts { active, cancel_reason: reason, attempt_status: attempt, starts_at: START, ends_at: END }
    }

    #[test]
    fn an_active_booking_follows_the_clock() {
        let f = facts(true, None, None);
        assert_eq!(derive(START - 1, &f), BookingStatus::Scheduled);
        assert_eq!(derive(START, &f), BookingStatus::Open);
        assert_eq!(derive(END - 1, &f), BookingStatus::Open);
        assert_eq!(derive(END, &f), BookingStatus::Missed);
        assert_eq!(derive(END + 1_000 * MIN, &f), BookingStatus::Missed);
    }

    #[test]
    fn an_attempt_decides_once_it_exists() {
        assert_eq!(derive(START + MIN, &facts(true, None, Some("in_progress"))), BookingStatus::InProgress);
        // Still running past the slot end (extra time): not missed.
        assert_eq!(derive(END + 10 * MIN, &facts(true, None, Some("in_progress"))), BookingStatus::InProgress);
        assert_eq!(derive(START + MIN, &facts(true, None, Some("submitted"))), BookingStatus::Completed);
        assert_eq!(derive(END + MIN, &facts(true, None, Some("submitted"))), BookingStatus::Completed);
        // Withdrawn after submission: the work was done.
        assert_eq!(derive(END, &facts(false, Some("exam_deleted"), Some("submitted"))), BookingStatus::Completed);
    }

    #[test]
    fn cancellations_carry_their_reason() {
        let at = |reason| derive(START - MIN, &facts(false, reason, None));
        assert_eq!(at(Some("cancelled_by_student")), BookingStatus::Cancelled(CancelReason::ByStudent));
        assert_eq!(at(Some("slot_removed")), BookingStatus::Cancelled(CancelReason::SlotRemoved));
        assert_eq!(at(Some("cancelled_by_admin")), BookingStatus::Cancelled(CancelReason::ByAdmin));
        assert_eq!(at(Some("exam_unpublished")), BookingStatus::Cancelled(CancelReason::ExamWithdrawn));
        assert_eq!(at(None), BookingStatus::Cancelled(CancelReason::ExamWithdrawn));
        // The clock does not revive a cancelled booking, nor does a running attempt.
        let f = facts(false, Some("slot_removed"), Some("in_progress"));
        assert_eq!(derive(START + MIN, &f), BookingStatus::Cancelled(CancelReason::SlotRemoved));
    }

    #[test]
    fn actions_follow_the_status() {
        assert!(BookingStatus::Scheduled.can_cancel());
        assert!(!BookingStatus::Open.can_cancel());
        assert!(BookingStatus::Open.can_start() && BookingStatus::InProgress.can_start());
        assert!(!BookingStatus::Scheduled.can_start() && !BookingStatus::Missed.can_start());
        assert!(!BookingStatus::Cancelled(CancelReason::ByStudent).is_current());
        assert_eq!(BookingStatus::InProgress.as_str(), "in_progress");
    }

    #[test]
    fn current_bookings_come_first() {
        let mut list = [
            (BookingStatus::Missed, 10),
            (BookingStatus::Scheduled, 500),
            (BookingStatus::Completed, 50),
            (BookingStatus::Open, 100),
            (BookingStatus::Cancelled(CancelReason::ByStudent), 900),
        ];
        list.sort_by(|a, b| display_order(*a, *b));
        let starts: Vec<i64> = list.iter().map(|(_, s)| *s).collect();
        assert_eq!(starts, [100, 500, 900, 50, 10]);
    }

    #[test]
    fn countdown_is_rounded_up_to_the_minute() {
        crate::i18n::install(&[crate::bookings::messages::MESSAGES]);
        assert_eq!(starts_in(Lang::En, 2 * 60 * MIN + 15 * MIN), "starts in 2 h 15 min");
        assert_eq!(starts_in(Lang::En, 2 * 60 * MIN + 14 * MIN + 1), "starts in 2 h 15 min");
        assert_eq!(starts_in(Lang::Fr, 3 * 1440 * MIN + 5 * 60 * MIN + 7 * MIN), "commence dans 3 j 5 h");
        assert_eq!(duration_text(Lang::En, 1), "1 min");
        assert_eq!(duration_text(Lang::En, 60 * MIN), "1 h");
        assert_eq!(duration_text(Lang::En, 1440 * MIN), "1 d");
        assert_eq!(duration_text(Lang::Fr, 0), "maintenant");
    }
}
