-- Milestones schema 0004 (PostgreSQL): grain state moves to our own group-commit storage.
-- One row per (service, state name, grain id); grain id is Orleans' text form ("contract/ctr_…").
-- The batch writer updates rows by compare-and-set on version and inserts new ones with ON CONFLICT DO NOTHING.

CREATE TABLE IF NOT EXISTS grainstate
(
    serviceid  varchar(150) NOT NULL,
    statename  varchar(150) NOT NULL,
    grainid    varchar(512) NOT NULL,
    payload    bytea        NULL,      -- NULL = cleared; the row stays so that its version keeps rising
    version    bigint       NOT NULL,  -- the grain's ETag
    modifiedon timestamptz  NOT NULL DEFAULT now(),
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

-- Orleans' ADO.NET grain persistence is no longer used (nothing was released on it).
DROP TABLE IF EXISTS orleansstorage;
DELETE FROM orleansquery WHERE querykey IN ('ReadFromStorageKey', 'WriteToStorageKey', 'ClearStorageKey', 'DeleteStorageKey');
