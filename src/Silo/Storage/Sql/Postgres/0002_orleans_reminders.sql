-- Milestones schema 0002 (PostgreSQL): Orleans ADO.NET reminders (Microsoft.Orleans.Reminders.AdoNet 10.4.2).

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL,
    querytext text        NOT NULL,
    CONSTRAINT pk_orleansquery PRIMARY KEY (querykey)
);

CREATE TABLE IF NOT EXISTS orleansreminderstable
(
    serviceid    varchar(150) NOT NULL,
    grainid      varchar(512) NOT NULL,  -- canonical GrainId text, stored verbatim
    remindername varchar(150) NOT NULL,
    starttime    timestamptz  NOT NULL,
    period       bigint       NOT NULL,  -- milliseconds
    grainhash    integer      NOT NULL,  -- uniform hash reinterpreted as signed int
    version      integer      NOT NULL,
    CONSTRAINT pk_orleansreminderstable PRIMARY KEY (serviceid, grainid, remindername)
);

-- Ring-range reads (ReadRangeRows1Key / ReadRangeRows2Key).
CREATE INDEX IF NOT EXISTS ix_orleansreminderstable_grainhash
    ON orleansreminderstable (serviceid, grainhash);

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadReminderRowsKey', $q$
SELECT r.grainid AS GrainId, r.remindername AS ReminderName, r.starttime AS StartTime,
       r.period AS Period, r.version AS Version
FROM orleansreminderstable r
WHERE r.serviceid = @ServiceId AND r.grainid = @GrainId;
$q$),
('ReadReminderRowKey', $q$
SELECT r.grainid AS GrainId, r.remindername AS ReminderName, r.starttime AS StartTime,
       r.period AS Period, r.version AS Version
FROM orleansreminderstable r
WHERE r.serviceid = @ServiceId AND r.grainid = @GrainId AND r.remindername = @ReminderName;
$q$),
-- BeginHash < EndHash (signed): the range (BeginHash, EndHash].
('ReadRangeRows1Key', $q$
SELECT r.grainid AS GrainId, r.remindername AS ReminderName, r.starttime AS StartTime,
       r.period AS Period, r.version AS Version
FROM orleansreminderstable r
WHERE r.serviceid = @ServiceId AND r.grainhash > @BeginHash AND r.grainhash <= @EndHash;
$q$),
-- BeginHash >= EndHash (signed): the range wraps; equal bounds mean the whole ring.
('ReadRangeRows2Key', $q$
SELECT r.grainid AS GrainId, r.remindername AS ReminderName, r.starttime AS StartTime,
       r.period AS Period, r.version AS Version
FROM orleansreminderstable r
WHERE r.serviceid = @ServiceId AND (r.grainhash > @BeginHash OR r.grainhash <= @EndHash);
$q$),
-- Unconditional upsert (last writer wins); new rows start at version 0.
('UpsertReminderRowKey', $q$
INSERT INTO orleansreminderstable AS r (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
SET starttime = EXCLUDED.starttime,
    period = EXCLUDED.period,
    grainhash = EXCLUDED.grainhash,
    version = r.version + 1
RETURNING r.version AS Version;
$q$),
-- Conditional delete; always exactly one row with one column (1 = deleted, 0 = stale or missing).
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleansreminderstable r
    WHERE r.serviceid = @ServiceId AND r.grainid = @GrainId
      AND r.remindername = @ReminderName AND r.version = @Version
    RETURNING 1
)
SELECT count(*)::integer FROM deleted;
$q$),
('DeleteReminderRowsKey', $q$
DELETE FROM orleansreminderstable WHERE serviceid = @ServiceId;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
