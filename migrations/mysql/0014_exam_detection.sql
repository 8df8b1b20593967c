-- Per-exam detection settings. NULL = the environment default (PROCTORWISE_FORBIDDEN_OBJECTS,
-- PROCTORWISE_RISK_WEIGHT_*), so a later change of the default reaches every exam that kept it.
-- forbidden_objects: comma-separated COCO-80 labels (they hold no comma; all 80 fit in 1000).
ALTER TABLE exams
    ADD COLUMN detect_faces BIGINT NOT NULL DEFAULT 1,
    ADD COLUMN detect_objects BIGINT NOT NULL DEFAULT 1,
    ADD COLUMN forbidden_objects VARCHAR(1000) NULL,
    ADD COLUMN risk_weight_low BIGINT NULL,
    ADD COLUMN risk_weight_medium BIGINT NULL,
    ADD COLUMN risk_weight_high BIGINT NULL,
    ADD COLUMN risk_weight_critical BIGINT NULL,
    ADD CONSTRAINT exams_risk_weights_check CHECK (
        (risk_weight_low IS NULL OR risk_weight_low BETWEEN 0 AND 100)
        AND (risk_weight_medium IS NULL OR risk_weight_medium BETWEEN 0 AND 100)
        AND (risk_weight_high IS NULL OR risk_weight_high BETWEEN 0 AND 100)
        AND (risk_weight_critical IS NULL OR risk_weight_critical BETWEEN 0 AND 100));
