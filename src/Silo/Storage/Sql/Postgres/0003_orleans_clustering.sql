-- Milestones schema 0003 (PostgreSQL): Orleans ADO.NET clustering / membership
-- (Microsoft.Orleans.Clustering.AdoNet 10.4.2, silos and clients).
-- All compare-and-set logic lives in single statements (data-modifying CTEs): no functions,
-- no explicit transactions, nothing that depends on plpgsql.check_asserts or the server time zone.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL,
    querytext text        NOT NULL,
    CONSTRAINT pk_orleansquery PRIMARY KEY (querykey)
);

-- One row per cluster (DeploymentId = ClusterOptions.ClusterId); version = the membership table ETag.
CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid varchar(150) NOT NULL,
    modifiedon   timestamptz  NOT NULL DEFAULT now(),
    version      integer      NOT NULL DEFAULT 0 CHECK (version >= 0),
    CONSTRAINT pk_orleansmembershipversiontable PRIMARY KEY (deploymentid)
);

CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid varchar(150) NOT NULL,
    address      varchar(45)  NOT NULL,  -- text, not inet: the provider reads it as a string
    port         integer      NOT NULL,
    generation   integer      NOT NULL,
    siloname     varchar(150) NOT NULL,
    hostname     varchar(150) NOT NULL,
    status       integer      NOT NULL,
    proxyport    integer      NOT NULL,
    suspecttimes text         NULL,      -- opaque to the database, stored verbatim
    starttime    timestamptz  NOT NULL,
    iamalivetime timestamptz  NOT NULL,
    CONSTRAINT pk_orleansmembershiptable PRIMARY KEY (deploymentid, address, port, generation),
    CONSTRAINT fk_orleansmembershiptable_version FOREIGN KEY (deploymentid)
        REFERENCES orleansmembershipversiontable (deploymentid) ON DELETE CASCADE
);

INSERT INTO orleansquery (querykey, querytext) VALUES
-- 1 if the version row was created, 0 if it already existed.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleansmembershipversiontable (deploymentid, modifiedon, version)
    VALUES (@DeploymentId, now(), 0)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM created;
$q$),
-- Version row LEFT JOIN members: one all-NULL member row when the cluster has no members.
('MembershipReadAllKey', $q$
SELECT v.deploymentid AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.siloname AS SiloName, m.hostname AS HostName, m.status AS Status, m.proxyport AS ProxyPort,
       m.suspecttimes AS SuspectTimes, m.starttime AS StartTime, m.iamalivetime AS IAmAliveTime,
       v.version AS Version
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
WHERE v.deploymentid = @DeploymentId;
$q$),
('MembershipReadRowKey', $q$
SELECT v.deploymentid AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.siloname AS SiloName, m.hostname AS HostName, m.status AS Status, m.proxyport AS ProxyPort,
       m.suspecttimes AS SuspectTimes, m.starttime AS StartTime, m.iamalivetime AS IAmAliveTime,
       v.version AS Version
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m
       ON m.deploymentid = v.deploymentid
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deploymentid = @DeploymentId;
$q$),
-- Atomic: bump the version only if it equals @Version and the member is new; insert only if bumped.
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE orleansmembershipversiontable v
    SET version = v.version + 1, modifiedon = now()
    WHERE v.deploymentid = @DeploymentId
      AND v.version = @Version
      AND NOT EXISTS (SELECT 1 FROM orleansmembershiptable m
                      WHERE m.deploymentid = @DeploymentId AND m.address = @Address
                        AND m.port = @Port AND m.generation = @Generation)
    RETURNING v.deploymentid
), inserted AS (
    INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname,
                                        status, proxyport, suspecttimes, starttime, iamalivetime)
    SELECT b.deploymentid, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, NULL, @StartTime, @IAmAliveTime
    FROM bumped b
    RETURNING 1
)
SELECT count(*)::integer FROM inserted;
$q$),
-- Atomic: lock the member row, bump the version only if it equals @Version, update only if bumped.
('UpdateMembershipKey', $q$
WITH member AS (
    SELECT 1 FROM orleansmembershiptable m
    WHERE m.deploymentid = @DeploymentId AND m.address = @Address
      AND m.port = @Port AND m.generation = @Generation
    FOR UPDATE
), bumped AS (
    UPDATE orleansmembershipversiontable v
    SET version = v.version + 1, modifiedon = now()
    WHERE v.deploymentid = @DeploymentId
      AND v.version = @Version
      AND EXISTS (SELECT 1 FROM member)
    RETURNING v.deploymentid
), updated AS (
    UPDATE orleansmembershiptable m
    SET status = @Status, suspecttimes = @SuspectTimes, iamalivetime = @IAmAliveTime
    FROM bumped b
    WHERE m.deploymentid = b.deploymentid AND m.address = @Address
      AND m.port = @Port AND m.generation = @Generation
    RETURNING 1
)
SELECT count(*)::integer FROM updated;
$q$),
-- Heartbeat: no version change; a missing row is a no-op.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleansmembershiptable
SET iamalivetime = @IAmAliveTime
WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$q$),
-- Active gateways only (ProxyPort 0 = not a gateway).
('GatewaysQueryKey', $q$
SELECT m.address AS Address, m.proxyport AS ProxyPort, m.generation AS Generation
FROM orleansmembershiptable m
WHERE m.deploymentid = @DeploymentId AND m.status = @Status AND m.proxyport > 0;
$q$),
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
$q$),
-- Bulk cleanup: non-Active members whose start and last heartbeat are both older than the cutoff.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId
  AND status <> 3
  AND iamalivetime < @IAmAliveTime
  AND starttime < @IAmAliveTime;
$q$),
-- Per-row cleanup (preferred by 10.4.2 when present): delete a Dead row only if it is unchanged since read.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId
  AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6
  AND starttime = @StartTime
  AND iamalivetime = @IAmAliveTime
  AND suspecttimes IS NOT DISTINCT FROM @SuspectTimes;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
