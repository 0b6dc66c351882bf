-- Milestones schema 0001 (PostgreSQL): query catalogue + Orleans ADO.NET grain persistence.
-- Written for Microsoft.Orleans.Persistence.AdoNet 10.4.2 (invariant "Npgsql").
-- Identifiers are unquoted (they fold to lower case): the provider reads "OrleansQuery(QueryKey, QueryText)" unquoted.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL,
    querytext text        NOT NULL,
    CONSTRAINT pk_orleansquery PRIMARY KEY (querykey)
);

-- One row per (service, state name, grain key). The provider binds the state name as GrainTypeString.
CREATE TABLE IF NOT EXISTS orleansstorage
(
    grainidhash            integer      NOT NULL,
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    graintypehash          integer      NOT NULL,
    graintypestring        varchar(512) NOT NULL,
    grainidextensionstring varchar(512) NULL,
    serviceid              varchar(150) NOT NULL,
    payloadbinary          bytea        NULL,      -- NULL = cleared ("logical delete")
    version                integer      NOT NULL,  -- the grain's ETag
    modifiedon             timestamptz  NOT NULL DEFAULT now()
);

-- Full identity, hashes first so that the same index serves every lookup.
-- NULLS NOT DISTINCT (PostgreSQL 15+): a NULL key extension counts as one value, so a
-- racing first write cannot create a second row for the same grain.
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleansstorage_identity
    ON orleansstorage (grainidhash, graintypehash, grainidn0, grainidn1, serviceid, graintypestring, grainidextensionstring)
    NULLS NOT DISTINCT;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
SELECT s.payloadbinary AS PayloadBinary, s.version AS Version
FROM orleansstorage s
WHERE s.grainidhash = @GrainIdHash
  AND s.graintypehash = @GrainTypeHash
  AND s.grainidn0 = @GrainIdN0
  AND s.grainidn1 = @GrainIdN1
  AND s.serviceid = @ServiceId
  AND s.graintypestring = @GrainTypeString
  AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),
-- NULL version: insert version 1 unless the row exists (conflict -> no row -> InconsistentStateException).
-- Version N: compare-and-set N -> N+1 (mismatch -> no row -> InconsistentStateException).
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleansstorage s
    SET payloadbinary = @PayloadBinary, version = s.version + 1, modifiedon = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND s.grainidhash = @GrainIdHash
      AND s.graintypehash = @GrainTypeHash
      AND s.grainidn0 = @GrainIdN0
      AND s.grainidn1 = @GrainIdN1
      AND s.serviceid = @ServiceId
      AND s.graintypestring = @GrainTypeString
      AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
      AND s.version = @GrainStateVersion
    RETURNING s.version
), inserted AS (
    INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
                                grainidextensionstring, serviceid, payloadbinary, version, modifiedon)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
           @GrainIdExtensionString, @ServiceId, @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT version AS NewGrainStateVersion FROM updated
UNION ALL
SELECT version FROM inserted;
$q$),
('ClearStorageKey', $q$
UPDATE orleansstorage s
SET payloadbinary = NULL, version = s.version + 1, modifiedon = now()
WHERE s.grainidhash = @GrainIdHash
  AND s.graintypehash = @GrainTypeHash
  AND s.grainidn0 = @GrainIdN0
  AND s.grainidn1 = @GrainIdN1
  AND s.serviceid = @ServiceId
  AND s.graintypestring = @GrainTypeString
  AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
  AND s.version = @GrainStateVersion
RETURNING s.version AS NewGrainStateVersion;
$q$),
('DeleteStorageKey', $q$
DELETE FROM orleansstorage s
WHERE s.grainidhash = @GrainIdHash
  AND s.graintypehash = @GrainTypeHash
  AND s.grainidn0 = @GrainIdN0
  AND s.grainidn1 = @GrainIdN1
  AND s.serviceid = @ServiceId
  AND s.graintypestring = @GrainTypeString
  AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
  AND s.version = @GrainStateVersion
RETURNING s.version + 1 AS NewGrainStateVersion;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
