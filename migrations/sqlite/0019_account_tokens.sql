-- Single-use links sent by email: password resets (`purpose` = 'reset') and address checks of
-- self-registered students ('verify'). Only the SHA-256 of a token is kept: the link itself
-- exists only in the email. A token works once (used_at), until expires_at (UTC ms); spending one
-- spends every other token of the same user and purpose.
CREATE TABLE account_tokens (
    token_hash   TEXT    NOT NULL PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id),
    purpose      TEXT    NOT NULL CHECK (purpose IN ('reset', 'verify')),
    requested_by TEXT    NOT NULL CHECK (requested_by IN ('user', 'admin')),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose, created_at);
