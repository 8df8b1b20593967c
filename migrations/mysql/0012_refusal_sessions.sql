-- A camera refused on the consent page is recorded before any attempt exists: the booking gets
-- one monitoring session of its own (attempt_id NULL, booking_id set, stopped at once) that
-- holds the critical webcam_disabled anomaly proctors are told about. The attempt, once started,
-- adopts it.
ALTER TABLE monitoring_sessions
    MODIFY attempt_id CHAR(36) NULL,
    ADD COLUMN booking_id CHAR(36) NULL,
    ADD CONSTRAINT monitoring_sessions_booking_unique UNIQUE (booking_id),
    ADD CONSTRAINT monitoring_sessions_booking_fk FOREIGN KEY (booking_id) REFERENCES bookings (id);
