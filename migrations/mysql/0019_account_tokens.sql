-- Single-use links sent by email: password resets (`purpose` = 'reset') and address checks of
-- self-registered students ('verify'). Only the SHA-256 of a token is kept: the link itself
-- exists only in the email. A token works once (used_at), until expires_at (UTC ms); spending one
-- spends every other token of the same user and purpose.
CREATE TABLE account_tokens (
    token_hash   CHAR(64)    NOT NULL PRIMARY KEY,
    user_id      CHAR(36)    NOT NULL,
    purpose      VARCHAR(8)  NOT NULL,
    requested_by VARCHAR(8)  NOT NULL,
    created_at   BIGINT      NOT NULL,
    expires_at   BIGINT      NOT NULL,
    used_at      BIGINT      NULL,
    CONSTRAINT account_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT account_tokens_purpose_check CHECK (purpose IN ('reset', 'verify')),
    CONSTRAINT account_tokens_by_check CHECK (requested_by IN ('user', 'admin')),
    INDEX account_tokens_user (user_id, purpose, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
