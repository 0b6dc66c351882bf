-- Milestones schema 0004 (PostgreSQL): the event outbox and the platform's feed.
-- A grain's new events are inserted by the same statement that writes its state, and only where that write
-- succeeded: an event is as durable as its change. (serviceid, stream, seq) identifies an event, so an event
-- sent again (a write whose outcome was unknown) is stored once.
-- The feed's order is given after commit, by one sequencer transaction at a time (an advisory lock): it numbers
-- the unpositioned events in the order they were inserted (id) from feedhead.position. Positions become visible
-- only as a whole, in order, so a reader following positions never sees one before those under it; commits that
-- race (two batches in flight) are positioned in the order the sequencer finds them committed.

CREATE TABLE IF NOT EXISTS feedevent
(
    serviceid varchar(150) NOT NULL,
    stream    varchar(300) NOT NULL,  -- "contract:{id}" or "account:{id}"
    seq       bigint       NOT NULL,  -- the event's number in its stream, from 1
    id        bigint       GENERATED ALWAYS AS IDENTITY, -- insertion order: a stream's events are inserted in order
    position  bigint       NULL,      -- the event's place in the feed; NULL until the sequencer gives it one
    at        timestamptz  NOT NULL,
    type      varchar(100) NOT NULL,
    body      text         NOT NULL,  -- the event's public JSON
    CONSTRAINT pk_feedevent PRIMARY KEY (serviceid, stream, seq)
);

CREATE INDEX IF NOT EXISTS ix_feedevent_unpositioned ON feedevent (serviceid, id) WHERE position IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS ix_feedevent_position ON feedevent (serviceid, position) WHERE position IS NOT NULL;

-- The feed's last position given, and the highest position pruned (a cursor under it has lost events).
CREATE TABLE IF NOT EXISTS feedhead
(
    serviceid varchar(150) NOT NULL PRIMARY KEY,
    position  bigint       NOT NULL,
    pruned    bigint       NOT NULL
);
