-- Monitoring keeps what it shows of an attempt on its own session rows, so that only the
-- attempts context names the attempts table: the attempt's deadline (set when the session
-- starts; deadlines never move) and whether the attempt was submitted (set by the submitting
-- transaction on every session of the attempt).
ALTER TABLE monitoring_sessions ADD COLUMN deadline_at INTEGER;
ALTER TABLE monitoring_sessions ADD COLUMN attempt_submitted INTEGER NOT NULL DEFAULT 0;
UPDATE monitoring_sessions
   SET deadline_at = (SELECT a.deadline_at FROM attempts a WHERE a.id = monitoring_sessions.attempt_id),
       attempt_submitted = COALESCE((SELECT 1 FROM attempts a WHERE a.id = monitoring_sessions.attempt_id AND a.status = 'submitted'), 0);
