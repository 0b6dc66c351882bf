-- Milestones schema 0005 (SQLite): a grain's wake-up time (an auto-release) is stored in its state's row, in the
-- same write as the state (UTC, Unix milliseconds); the due rows are found by the partial index.

ALTER TABLE grainstate ADD COLUMN wakeat INTEGER NULL;

CREATE INDEX IF NOT EXISTS ix_grainstate_wakeat ON grainstate (serviceid, wakeat) WHERE wakeat IS NOT NULL;
