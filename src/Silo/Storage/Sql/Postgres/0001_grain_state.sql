-- Milestones schema 0001 (PostgreSQL): grain state, written by our own group-commit storage.
-- One row per (service, state name, grain id); grain id is Orleans' text form ("contract/ctr_…").
-- The batch writer updates rows by compare-and-set on version and inserts new ones with ON CONFLICT DO NOTHING.
-- A grain's wake-up time (an auto-release) is stored in its state's row, in the same write as the state.

CREATE TABLE IF NOT EXISTS grainstate
(
    serviceid  varchar(150) NOT NULL,
    statename  varchar(150) NOT NULL,
    grainid    varchar(512) NOT NULL,
    payload    bytea        NULL,      -- NULL = cleared; the row stays so that its version keeps rising
    version    bigint       NOT NULL,  -- the grain's ETag
    modifiedon timestamptz  NOT NULL DEFAULT now(),
    wakeat     timestamptz  NULL,      -- when the grain must be woken; NULL = it waits for nothing
    CONSTRAINT pk_grainstate PRIMARY KEY (serviceid, statename, grainid)
)
-- Rows are rewritten often: room on each page keeps updates HOT (no index write), and states up to a page
-- stay inline without a compression attempt on every write.
WITH (fillfactor = 80, toast_tuple_target = 8160);

-- Larger states compress with lz4 where the server has it (far cheaper than the default pglz).
DO $$
BEGIN
    ALTER TABLE grainstate ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;

-- The due rows, earliest first. Rows that wait for nothing are not indexed, so their updates stay HOT.
CREATE INDEX IF NOT EXISTS ix_grainstate_wakeat ON grainstate (serviceid, wakeat) WHERE wakeat IS NOT NULL;
