-- Milestones schema 0004 (SQLite): the event outbox and the platform's feed.
-- A grain's new events are inserted in the transaction that writes its state, and only where that write succeeded:
-- an event is as durable as its change. (serviceid, stream, seq) identifies an event, so an event sent again is
-- stored once. The sequencer numbers the unpositioned events in insertion order (rowid) from feedhead.position,
-- in one write transaction (SQLite has one writer), so positions become visible in order.

CREATE TABLE IF NOT EXISTS feedevent
(
    serviceid TEXT    NOT NULL,
    stream    TEXT    NOT NULL,  -- "contract:{id}" or "account:{id}"
    seq       INTEGER NOT NULL,  -- the event's number in its stream, from 1
    position  INTEGER NULL,      -- the event's place in the feed; NULL until the sequencer gives it one
    at        INTEGER NOT NULL,  -- UTC, Unix milliseconds
    type      TEXT    NOT NULL,
    body      TEXT    NOT NULL,  -- the event's public JSON
    UNIQUE (serviceid, stream, seq)
);

-- In insertion order: an index orders equal keys by rowid.
CREATE INDEX IF NOT EXISTS ix_feedevent_unpositioned ON feedevent (serviceid) WHERE position IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS ix_feedevent_position ON feedevent (serviceid, position) WHERE position IS NOT NULL;

CREATE TABLE IF NOT EXISTS feedhead
(
    serviceid TEXT    NOT NULL PRIMARY KEY,
    position  INTEGER NOT NULL,
    pruned    INTEGER NOT NULL
);
