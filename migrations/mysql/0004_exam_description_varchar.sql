-- sqlx 0.8's `Any` driver reports MariaDB TEXT columns as BLOB and refuses to decode them as
-- strings, so reading an exam (`exams::queries::get_exam`, used by every booking) failed on
-- MariaDB. A VARCHAR is reported as text. 10 000 characters (40 000 bytes in utf8mb4) keep the
-- row under InnoDB's 65 535-byte limit; descriptions must be validated to that length.
ALTER TABLE exams MODIFY description VARCHAR(10000) NOT NULL;
