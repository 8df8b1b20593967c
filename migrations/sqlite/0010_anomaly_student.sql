-- Each anomaly names its student, as it already names its exam, so the nightly jobs read a
-- day's anomalies with one range scan on detected_at instead of looking up every row's session.
ALTER TABLE monitoring_anomalies ADD COLUMN student_id TEXT NOT NULL DEFAULT '';
UPDATE monitoring_anomalies
   SET student_id = COALESCE((SELECT s.student_id FROM monitoring_sessions s WHERE s.id = monitoring_anomalies.session_id), '');
