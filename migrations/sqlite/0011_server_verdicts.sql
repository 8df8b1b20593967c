-- Trustworthy verdicts: the server's own observations drive the visual rules, in capture order;
-- the server picks which frames must carry their picture; refused browser flags are kept on the
-- frame for statistics; students are told once of each confirmed problem.
ALTER TABLE monitoring_frames ADD COLUMN observed_at INTEGER;
ALTER TABLE monitoring_frames ADD COLUMN purpose TEXT NOT NULL DEFAULT 'flagged';
ALTER TABLE monitoring_frames ADD COLUMN flag_outcome TEXT;
ALTER TABLE monitoring_frames ADD COLUMN rules_applied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monitoring_frames ADD COLUMN claimed_by TEXT;
-- 0 when the server checks only faces (the browser flagged only faces): objects not looked at.
ALTER TABLE monitoring_frames ADD COLUMN checked_objects INTEGER NOT NULL DEFAULT 1;
UPDATE monitoring_frames SET observed_at = received_at, rules_applied = 1;
CREATE INDEX monitoring_frames_session_observed ON monitoring_frames (session_id, observed_at);

ALTER TABLE monitoring_sessions ADD COLUMN picture_due_seq INTEGER;
ALTER TABLE monitoring_sessions ADD COLUMN frames_since_picture INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monitoring_sessions ADD COLUMN pictures_withheld INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monitoring_sessions ADD COLUMN inconsistent_frames INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monitoring_sessions ADD COLUMN clock_offset_ms INTEGER;
-- The exam's detection settings when the session started (JSON; NULL = the environment's).
ALTER TABLE monitoring_sessions ADD COLUMN detection TEXT;

ALTER TABLE monitoring_anomalies ADD COLUMN student_told_at INTEGER;
