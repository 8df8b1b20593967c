-- Each anomaly names its student, as it already names its exam, so the nightly jobs read a
-- day's anomalies with one range scan on detected_at instead of looking up every row's session.
ALTER TABLE monitoring_anomalies ADD COLUMN student_id CHAR(36) NOT NULL DEFAULT '' AFTER exam_id;
UPDATE monitoring_anomalies m JOIN monitoring_sessions s ON s.id = m.session_id SET m.student_id = s.student_id;
ALTER TABLE monitoring_anomalies ALTER COLUMN student_id DROP DEFAULT;
