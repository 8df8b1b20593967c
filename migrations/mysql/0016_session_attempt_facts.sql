-- Monitoring keeps what it shows of an attempt on its own session rows, so that only the
-- attempts context names the attempts table: the attempt's deadline (set when the session
-- starts; deadlines never move) and whether the attempt was submitted (set by the submitting
-- transaction on every session of the attempt).
ALTER TABLE monitoring_sessions
    ADD COLUMN deadline_at BIGINT NULL,
    ADD COLUMN attempt_submitted BIGINT NOT NULL DEFAULT 0;
UPDATE monitoring_sessions s JOIN attempts a ON a.id = s.attempt_id
   SET s.deadline_at = a.deadline_at,
       s.attempt_submitted = CASE WHEN a.status = 'submitted' THEN 1 ELSE 0 END;
