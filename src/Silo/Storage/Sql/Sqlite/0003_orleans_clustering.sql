-- Milestones schema 0003 (SQLite): Orleans ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet 10.4.2).
-- Only for single-machine set-ups (SQLite has one writer); the embedded default uses localhost clustering.
--
-- Membership inserts/updates must bump the table version and change a member row atomically.
-- Instead of an explicit BEGIN...COMMIT inside the query text (which an error could leave open on a
-- pooled connection), each such write inserts one row into OrleansMembershipWrite; a trigger does
-- the compare-and-set inside that single INSERT statement and records the outcome in the row, and
-- the same query text then deletes the row (by last_insert_rowid(), per connection) returning the outcome.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId TEXT    NOT NULL PRIMARY KEY,
    ModifiedOn   TEXT    NOT NULL,
    Version      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId TEXT    NOT NULL,
    Address      TEXT    NOT NULL,
    Port         INTEGER NOT NULL,
    Generation   INTEGER NOT NULL,
    SiloName     TEXT    NOT NULL,
    HostName     TEXT    NOT NULL,
    Status       INTEGER NOT NULL,
    ProxyPort    INTEGER NOT NULL,
    SuspectTimes TEXT    NULL,
    StartTime    TEXT    NOT NULL,
    IAmAliveTime TEXT    NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

CREATE TABLE IF NOT EXISTS OrleansMembershipWrite
(
    Id           INTEGER PRIMARY KEY,
    Kind         TEXT    NOT NULL CHECK (Kind IN ('insert', 'update')),
    DeploymentId TEXT    NOT NULL,
    Address      TEXT    NOT NULL,
    Port         INTEGER NOT NULL,
    Generation   INTEGER NOT NULL,
    SiloName     TEXT    NULL,
    HostName     TEXT    NULL,
    Status       INTEGER NOT NULL,
    ProxyPort    INTEGER NULL,
    SuspectTimes TEXT    NULL,
    StartTime    TEXT    NULL,
    IAmAliveTime TEXT    NOT NULL,
    Version      INTEGER NOT NULL,
    Succeeded    INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER IF NOT EXISTS TR_OrleansMembershipWrite_Insert
AFTER INSERT ON OrleansMembershipWrite
WHEN NEW.Kind = 'insert'
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, ModifiedOn = strftime('%Y-%m-%d %H:%M:%f', 'now')
    WHERE DeploymentId = NEW.DeploymentId
      AND Version = NEW.Version
      AND NOT EXISTS (SELECT 1 FROM OrleansMembershipTable m
                      WHERE m.DeploymentId = NEW.DeploymentId AND m.Address = NEW.Address
                        AND m.Port = NEW.Port AND m.Generation = NEW.Generation);
    INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName,
                                        Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime)
    SELECT NEW.DeploymentId, NEW.Address, NEW.Port, NEW.Generation, NEW.SiloName, NEW.HostName,
           NEW.Status, NEW.ProxyPort, NULL, NEW.StartTime, NEW.IAmAliveTime
    WHERE changes() = 1;
    UPDATE OrleansMembershipWrite SET Succeeded = changes() WHERE Id = NEW.Id;
END;

CREATE TRIGGER IF NOT EXISTS TR_OrleansMembershipWrite_Update
AFTER INSERT ON OrleansMembershipWrite
WHEN NEW.Kind = 'update'
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, ModifiedOn = strftime('%Y-%m-%d %H:%M:%f', 'now')
    WHERE DeploymentId = NEW.DeploymentId
      AND Version = NEW.Version
      AND EXISTS (SELECT 1 FROM OrleansMembershipTable m
                  WHERE m.DeploymentId = NEW.DeploymentId AND m.Address = NEW.Address
                    AND m.Port = NEW.Port AND m.Generation = NEW.Generation);
    UPDATE OrleansMembershipTable
    SET Status = NEW.Status, SuspectTimes = NEW.SuspectTimes, IAmAliveTime = NEW.IAmAliveTime
    WHERE DeploymentId = NEW.DeploymentId AND Address = NEW.Address
      AND Port = NEW.Port AND Generation = NEW.Generation
      AND changes() = 1;
    UPDATE OrleansMembershipWrite SET Succeeded = changes() WHERE Id = NEW.Id;
END;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', '
INSERT INTO OrleansMembershipVersionTable (DeploymentId, ModifiedOn, Version)
VALUES (@DeploymentId, strftime(''%Y-%m-%d %H:%M:%f'', ''now''), 0)
ON CONFLICT (DeploymentId) DO NOTHING;
SELECT changes();
'),
('MembershipReadAllKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
'),
('MembershipReadRowKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m
       ON m.DeploymentId = v.DeploymentId
      AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
'),
('InsertMembershipKey', '
INSERT INTO OrleansMembershipWrite (Kind, DeploymentId, Address, Port, Generation, SiloName, HostName,
                                    Status, ProxyPort, StartTime, IAmAliveTime, Version)
VALUES (''insert'', @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
DELETE FROM OrleansMembershipWrite WHERE Id = last_insert_rowid() RETURNING Succeeded;
'),
('UpdateMembershipKey', '
INSERT INTO OrleansMembershipWrite (Kind, DeploymentId, Address, Port, Generation,
                                    Status, SuspectTimes, IAmAliveTime, Version)
VALUES (''update'', @DeploymentId, @Address, @Port, @Generation,
        @Status, @SuspectTimes, @IAmAliveTime, @Version);
DELETE FROM OrleansMembershipWrite WHERE Id = last_insert_rowid() RETURNING Succeeded;
'),
('UpdateIAmAlivetimeKey', '
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
'),
('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
'),
('DeleteMembershipTableEntriesKey', '
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
'),
('CleanupDefunctSiloEntriesKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Status <> 3
  AND IAmAliveTime < @IAmAliveTime
  AND StartTime < @IAmAliveTime;
'),
('CleanupDefunctSiloEntryKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND Status = 6
  AND StartTime = @StartTime
  AND IAmAliveTime = @IAmAliveTime
  AND SuspectTimes IS @SuspectTimes;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
