-- Milestones schema 0005 (PostgreSQL): a grain's wake-up time (an auto-release) is stored in its state's row, in the
-- same write as the state; the due rows are found by the partial index. Rows that wait for nothing are not indexed,
-- and their updates stay HOT.

ALTER TABLE grainstate ADD COLUMN IF NOT EXISTS wakeat timestamptz NULL;

CREATE INDEX IF NOT EXISTS ix_grainstate_wakeat ON grainstate (serviceid, wakeat) WHERE wakeat IS NOT NULL;
