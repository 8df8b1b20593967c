-- Password reset links. Only the SHA-256 of a token is kept: the link itself exists only in the
-- email. A token works once (used_at), until expires_at (UTC ms); using one spends every other
-- token of the same user.
CREATE TABLE password_resets (
    token_hash   CHAR(64)    NOT NULL PRIMARY KEY,
    user_id      CHAR(36)    NOT NULL,
    requested_by VARCHAR(8)  NOT NULL,
    created_at   BIGINT      NOT NULL,
    expires_at   BIGINT      NOT NULL,
    used_at      BIGINT      NULL,
    CONSTRAINT password_resets_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT password_resets_by_check CHECK (requested_by IN ('user', 'admin')),
    INDEX password_resets_user (user_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
