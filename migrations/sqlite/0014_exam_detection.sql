-- Per-exam detection settings. NULL = the environment default (PROCTORWISE_FORBIDDEN_OBJECTS,
-- PROCTORWISE_RISK_WEIGHT_*), so a later change of the default reaches every exam that kept it.
ALTER TABLE exams ADD COLUMN detect_faces INTEGER NOT NULL DEFAULT 1;
ALTER TABLE exams ADD COLUMN detect_objects INTEGER NOT NULL DEFAULT 1;
-- Comma-separated COCO-80 labels (they hold no comma), validated by the exams context.
ALTER TABLE exams ADD COLUMN forbidden_objects TEXT;
ALTER TABLE exams ADD COLUMN risk_weight_low INTEGER CHECK (risk_weight_low BETWEEN 0 AND 100);
ALTER TABLE exams ADD COLUMN risk_weight_medium INTEGER CHECK (risk_weight_medium BETWEEN 0 AND 100);
ALTER TABLE exams ADD COLUMN risk_weight_high INTEGER CHECK (risk_weight_high BETWEEN 0 AND 100);
ALTER TABLE exams ADD COLUMN risk_weight_critical INTEGER CHECK (risk_weight_critical BETWEEN 0 AND 100);
