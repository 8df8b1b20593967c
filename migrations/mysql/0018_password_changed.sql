-- When a user's password last changed (UTC ms; 0 = never since this column exists). Sessions
-- started and API tokens issued before it are no longer accepted: changing a password signs out
-- every other session.
ALTER TABLE users ADD COLUMN password_changed_at BIGINT NOT NULL DEFAULT 0;
