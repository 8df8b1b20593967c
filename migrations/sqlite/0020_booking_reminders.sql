-- Reminders sent before a booked slot, one row per (booking, lead time in minutes): the row is
-- inserted in the transaction that records the reminder's event, so each reminder is sent once
-- whichever replica's worker gets there first, and not again after a restart.
CREATE TABLE booking_reminders (
    booking_id   TEXT    NOT NULL REFERENCES bookings (id),
    lead_minutes INTEGER NOT NULL,
    sent_at      INTEGER NOT NULL,
    PRIMARY KEY (booking_id, lead_minutes)
);
