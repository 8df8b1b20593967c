-- Trustworthy verdicts: the server's own observations drive the visual rules, in capture order;
-- the server picks which frames must carry their picture; refused browser flags are kept on the
-- frame for statistics; students are told once of each confirmed problem.
ALTER TABLE monitoring_frames
    ADD COLUMN observed_at BIGINT NULL,
    ADD COLUMN purpose VARCHAR(16) NOT NULL DEFAULT 'flagged',
    ADD COLUMN flag_outcome VARCHAR(16) NULL,
    ADD COLUMN rules_applied BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN claimed_by VARCHAR(100) NULL,
    -- 0 when the server checks only faces (the browser flagged only faces): objects not looked at.
    ADD COLUMN checked_objects BIGINT NOT NULL DEFAULT 1;
UPDATE monitoring_frames SET observed_at = received_at, rules_applied = 1;
CREATE INDEX monitoring_frames_session_observed ON monitoring_frames (session_id, observed_at);

ALTER TABLE monitoring_sessions
    ADD COLUMN picture_due_seq BIGINT NULL,
    ADD COLUMN frames_since_picture BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN pictures_withheld BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN inconsistent_frames BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN clock_offset_ms BIGINT NULL,
    -- The exam's detection settings when the session started (JSON; NULL = the environment's).
    ADD COLUMN detection TEXT NULL;

-- Details now carry both verdicts, the models and the thresholds.
ALTER TABLE monitoring_anomalies
    ADD COLUMN student_told_at BIGINT NULL,
    MODIFY details TEXT NOT NULL DEFAULT '{}';
