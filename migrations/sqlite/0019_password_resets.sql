-- Password reset links. Only the SHA-256 of a token is kept: the link itself exists only in the
-- email. A token works once (used_at), until expires_at (UTC ms); using one spends every other
-- token of the same user.
CREATE TABLE password_resets (
    token_hash   TEXT    NOT NULL PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id),
    requested_by TEXT    NOT NULL CHECK (requested_by IN ('user', 'admin')),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
