-- When the account's address was confirmed (UTC ms). Self-registered students confirm it by a
-- link when PROCTORWISE_VERIFY_EMAIL is on; accounts created by an admin, and every account that
-- existed before this column, count as confirmed.
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
UPDATE users SET email_verified_at = created_at;
