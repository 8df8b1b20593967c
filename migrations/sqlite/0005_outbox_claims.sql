-- Relay replicas claim outbox rows before publishing them, so two replicas do not publish the
-- same row at the same time. A claim expires (a crashed replica's rows are picked up again).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until INTEGER;
