-- Milestones schema 0001 (SQLite): grain state, written by our own group-commit storage.
-- One row per (service, state name, grain id); grain id is Orleans' text form ("contract/ctr_…").
-- A grain's wake-up time (an auto-release) is stored in its state's row, in the same write as the state.

CREATE TABLE IF NOT EXISTS grainstate
(
    serviceid  TEXT    NOT NULL,
    statename  TEXT    NOT NULL,
    grainid    TEXT    NOT NULL,
    payload    BLOB    NULL,     -- NULL = cleared; the row stays so that its version keeps rising
    version    INTEGER NOT NULL, -- the grain's ETag
    modifiedon TEXT    NOT NULL, -- UTC, informational
    wakeat     INTEGER NULL,     -- when the grain must be woken (UTC, Unix milliseconds); NULL = never
    PRIMARY KEY (serviceid, statename, grainid)
) WITHOUT ROWID;

-- The due rows, earliest first; rows that wait for nothing are not indexed.
CREATE INDEX IF NOT EXISTS ix_grainstate_wakeat ON grainstate (serviceid, wakeat) WHERE wakeat IS NOT NULL;
