-- Milestones schema 0004 (SQLite): grain state moves to our own group-commit storage.
-- One row per (service, state name, grain id); grain id is Orleans' text form ("contract/ctr_…").

CREATE TABLE IF NOT EXISTS grainstate
(
    serviceid  TEXT    NOT NULL,
    statename  TEXT    NOT NULL,
    grainid    TEXT    NOT NULL,
    payload    BLOB    NULL,     -- NULL = cleared; the row stays so that its version keeps rising
    version    INTEGER NOT NULL, -- the grain's ETag
    modifiedon TEXT    NOT NULL, -- UTC, informational
    PRIMARY KEY (serviceid, statename, grainid)
) WITHOUT ROWID;

-- Orleans' ADO.NET grain persistence is no longer used (nothing was released on it).
DROP TABLE IF EXISTS OrleansStorage;
DELETE FROM OrleansQuery WHERE QueryKey IN ('ReadFromStorageKey', 'WriteToStorageKey', 'ClearStorageKey', 'DeleteStorageKey');
