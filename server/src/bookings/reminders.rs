//! Reminders before a booked slot (by default 24 hours and 1 hour before): the worker finds the
//! active bookings whose reminder is due and records an `exam_reminder` event for each, which
//! the notifications turn into an in-app notice and an email in the student's language, as the
//! student's preferences say. A reminder is sent once per booking and lead time: its row in
//! `booking_reminders` is inserted in the event's transaction, so replicas racing for it and a
//! restart cannot send it twice. Cancelled bookings get none. When a booking is made late, only
//! the shortest lead time that has begun is sent (no "24 hours" reminder 20 minutes before).

use std::time::Duration;

use sqlx::FromRow;

use crate::db::{Db, fetch_by_ids, is_unique_violation};
use crate::events::payloads::ExamReminder;
use crate::events::record;
use crate::exams::queries as exams;

/// The lead times, in minutes, longest first; `PROCTORWISE_REMINDERS` (`24h,1h` by default,
/// `off` for none; units `d`, `h`, `m`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leads(pub Vec<i64>);

impl Leads {
    /// The default: 24 hours and 1 hour before.
    pub fn standard() -> Self {
        Self(vec![24 * 60, 60])
    }

    /// Parses `24h,1h`, `2d`, `90m`, `off`; `None` when a part is not understood.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("off") || raw.is_empty() {
            return Some(Self(Vec::new()));
        }
        let mut leads = Vec::new();
        for part in raw.split(',').map(str::trim) {
            let (n, unit) = part.split_at(part.len().checked_sub(1)?);
            let n: i64 = n.trim().parse().ok().filter(|n| *n > 0)?;
            leads.push(match unit {
                "d" => n * 24 * 60,
                "h" => n * 60,
                "m" => n,
                _ => return None,
            });
        }
        leads.sort_unstable_by(|a, b| b.cmp(a));
        leads.dedup();
        Some(Self(leads))
    }

    /// From `PROCTORWISE_REMINDERS`; the default when unset or not understood (logged).
    pub fn from_env() -> Self {
        match std::env::var("PROCTORWISE_REMINDERS") {
            Ok(raw) => Self::parse(&raw).unwrap_or_else(|| {
                tracing::warn!(value = %raw, "PROCTORWISE_REMINDERS not understood; using 24h,1h");
                Self::standard()
            }),
            Err(_) => Self::standard(),
        }
    }

    /// The lead time due for a slot starting at `starts_at` at `now`: the shortest whose window
    /// has begun, while the slot has not started.
    pub fn due(&self, starts_at: i64, now: i64) -> Option<i64> {
        if now >= starts_at {
            return None;
        }
        self.0.iter().copied().filter(|lead| starts_at - lead * 60_000 <= now).min()
    }
}

#[derive(FromRow)]
struct Active {
    id: String,
    exam_id: String,
    slot_id: String,
    student_id: String,
}

/// Records every reminder due at `now`; returns how many this call sent.
pub async fn send_due(db: &Db, leads: &Leads, now: i64) -> sqlx::Result<usize> {
    let Some(longest) = leads.0.first().copied() else { return Ok(0) };
    let slots = exams::slots_starting_between(db, now, now + longest * 60_000).await?;
    if slots.is_empty() {
        return Ok(0);
    }
    let ids: Vec<&str> = slots.iter().map(|s| s.id.as_str()).collect();
    let bookings: Vec<Active> = fetch_by_ids(
        db,
        "SELECT id, exam_id, slot_id, student_id FROM bookings WHERE status = 'active' AND slot_id IN ({ids})",
        &ids,
    )
    .await?;
    let exam_ids: Vec<&str> = bookings.iter().map(|b| b.exam_id.as_str()).collect();
    let titles = exams::titles(db, &exam_ids).await?;
    let mut sent = 0;
    for booking in &bookings {
        let Some(slot) = slots.iter().find(|s| s.id == booking.slot_id) else { continue };
        let Some(lead) = leads.due(slot.starts_at, now) else { continue };
        let payload = ExamReminder {
            booking_id: booking.id.clone(),
            exam_id: booking.exam_id.clone(),
            exam_title: titles.get(&booking.exam_id).cloned().unwrap_or_default(),
            student_id: booking.student_id.clone(),
            starts_at: slot.starts_at,
            lead_minutes: lead,
        };
        if remind(db, payload, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Takes the reminder's row and records its event, in one transaction; false when it was
/// already sent (by this replica earlier or by another one now) or the booking was cancelled.
async fn remind(db: &Db, payload: ExamReminder, now: i64) -> sqlx::Result<bool> {
    let mut tx = db.pool().begin().await?;
    let taken = sqlx::query("INSERT INTO booking_reminders (booking_id, lead_minutes, sent_at) VALUES (?, ?, ?)")
        .bind(&payload.booking_id)
        .bind(payload.lead_minutes)
        .bind(now)
        .execute(&mut *tx)
        .await;
    match taken {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(false),
        Err(e) => return Err(e),
    }
    // Still active now that the row is taken (a cancellation in between gets no reminder).
    let active: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE id = ? AND status = 'active'")
        .bind(&payload.booking_id)
        .fetch_one(&mut *tx)
        .await?;
    if active == 0 {
        return Ok(false);
    }
    let booking_id = payload.booking_id.clone();
    record(&mut tx, &booking_id, payload).await?;
    tx.commit().await?;
    Ok(true)
}

/// Sends due reminders every `period` until the task is aborted.
pub async fn run(db: Db, leads: Leads, period: Duration) {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        crate::heartbeat::beat(&db, "reminders", i64::try_from(period.as_millis()).unwrap_or(i64::MAX)).await;
        match send_due(&db, &leads, crate::db::now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(reminders = n, "exam reminders sent"),
            Err(e) => tracing::warn!(error = %e, "reminder pass failed; retrying at the next tick"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_times_parse_and_the_shortest_begun_one_is_due() {
        assert_eq!(Leads::parse("24h, 1h"), Some(Leads(vec![1440, 60])));
        assert_eq!(Leads::parse("30m,2d"), Some(Leads(vec![2880, 30])));
        assert_eq!(Leads::parse("off"), Some(Leads(vec![])));
        assert_eq!(Leads::parse("soon"), None);
        assert_eq!(Leads::parse("0h"), None);
        let leads = Leads::standard();
        let start = 100 * 3_600_000;
        assert_eq!(leads.due(start, start - 25 * 3_600_000), None, "too early");
        assert_eq!(leads.due(start, start - 23 * 3_600_000), Some(1440));
        assert_eq!(leads.due(start, start - 30 * 60_000), Some(60), "late bookings get the short one only");
        assert_eq!(leads.due(start, start), None, "started");
    }
}
