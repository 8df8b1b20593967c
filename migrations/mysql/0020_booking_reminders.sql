-- Reminders sent before a booked slot, one row per (booking, lead time in minutes): the row is
-- inserted in the transaction that records the reminder's event, so each reminder is sent once
-- whichever replica's worker gets there first, and not again after a restart.
CREATE TABLE booking_reminders (
    booking_id   CHAR(36) NOT NULL,
    lead_minutes BIGINT   NOT NULL,
    sent_at      BIGINT   NOT NULL,
    PRIMARY KEY (booking_id, lead_minutes),
    CONSTRAINT booking_reminders_booking_fk FOREIGN KEY (booking_id) REFERENCES bookings (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
