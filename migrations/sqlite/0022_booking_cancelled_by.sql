-- Who cancelled a booking (an account id) and, when an admin did, the message the student was
-- sent with it (at most 1,000 characters). Bookings cancelled before these columns keep NULL.
ALTER TABLE bookings ADD COLUMN cancelled_by TEXT;
ALTER TABLE bookings ADD COLUMN cancel_note TEXT;
