//! Time rules of an attempt (pure, tested with a fake clock): when a slot may be entered, the
//! server-side deadline, extra time.

/// Where `now` stands relative to a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotWindow {
    /// Not open yet: milliseconds to wait.
    Before { opens_in_ms: i64 },
    /// The exam may be started.
    Open,
    /// The slot is over.
    Closed,
}

/// Whether a slot `[starts_at, ends_at)` can be entered at `now`.
pub fn slot_window(now: i64, starts_at: i64, ends_at: i64) -> SlotWindow {
    if now < starts_at {
        SlotWindow::Before { opens_in_ms: starts_at - now }
    } else if now < ends_at {
        SlotWindow::Open
    } else {
        SlotWindow::Closed
    }
}

/// Extra minutes granted by an accommodation: fixed minutes plus a percentage of the duration
/// (rounded up to the minute).
pub fn extra_minutes(duration_minutes: i64, extra_minutes: i64, extra_percent: i64) -> i64 {
    let from_percent = (duration_minutes * extra_percent + 99) / 100;
    (extra_minutes + from_percent).max(0)
}

/// The attempt's deadline: start + duration + extra, never beyond the slot end + extra.
pub fn deadline(started_at: i64, duration_minutes: i64, extra: i64, slot_ends_at: i64) -> i64 {
    let by_duration = started_at + (duration_minutes + extra) * 60_000;
    let by_slot = slot_ends_at + extra * 60_000;
    by_duration.min(by_slot)
}

/// Whether an answer may still be saved or the attempt submitted by the student.
pub fn accepts_answers(now: i64, deadline_at: i64) -> bool {
    now < deadline_at
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn window_before_open_closed() {
        let (start, end) = (1_000 * MIN, 1_060 * MIN);
        assert_eq!(slot_window(start - 5 * MIN, start, end), SlotWindow::Before { opens_in_ms: 5 * MIN });
        assert_eq!(slot_window(start, start, end), SlotWindow::Open);
        assert_eq!(slot_window(end - 1, start, end), SlotWindow::Open);
        assert_eq!(slot_window(end, start, end), SlotWindow::Closed);
    }

    #[test]
    fn deadline_is_capped_by_the_slot_plus_extra_time() {
        let slot_start = 0;
        let slot_end = 60 * MIN;
        // On time: the full duration.
        assert_eq!(deadline(slot_start, 60, 0, slot_end), 60 * MIN);
        // Late start: the slot end wins.
        assert_eq!(deadline(20 * MIN, 60, 0, slot_end), 60 * MIN);
        // A third more time: 20 extra minutes, also beyond the slot end.
        let extra = extra_minutes(60, 0, 33);
        assert_eq!(extra, 20);
        assert_eq!(deadline(slot_start, 60, extra, slot_end), 80 * MIN);
        assert_eq!(deadline(30 * MIN, 60, extra, slot_end), 80 * MIN);
        assert_eq!(extra_minutes(45, 10, 10), 15);
    }

    #[test]
    fn answers_stop_at_the_deadline() {
        assert!(accepts_answers(99, 100));
        assert!(!accepts_answers(100, 100));
    }
}
