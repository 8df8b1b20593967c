-- A scheduled batch run is started once across every server replica sharing the database: each
-- replica's scheduler inserts its run with the key `job:period`, and only the first insert wins.
-- Runs started by hand or from the command line have no key.
ALTER TABLE batch_runs
    ADD COLUMN schedule_key VARCHAR(64) NULL,
    ADD UNIQUE INDEX batch_runs_schedule_key (schedule_key);
