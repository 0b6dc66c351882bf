-- Milestones schema 0007 (SQLite): an event gets its place in the feed from the transaction that inserts it (one
-- writer, so the order of insertion is the order of commit). Events an earlier build stored without a place get
-- theirs here, after their service's head, in insertion order; the index that found them goes.

INSERT INTO feedhead (serviceid, position, pruned)
SELECT DISTINCT serviceid, 0, 0 FROM feedevent WHERE position IS NULL
ON CONFLICT DO NOTHING;

UPDATE feedevent
SET position = (SELECT h.position FROM feedhead h WHERE h.serviceid = feedevent.serviceid) + u.n
FROM (SELECT rowid AS r, row_number() OVER (PARTITION BY serviceid ORDER BY rowid) AS n FROM feedevent WHERE position IS NULL) AS u
WHERE feedevent.rowid = u.r;

UPDATE feedhead
SET position = (SELECT MAX(e.position) FROM feedevent e WHERE e.serviceid = feedhead.serviceid)
WHERE (SELECT MAX(e.position) FROM feedevent e WHERE e.serviceid = feedhead.serviceid) > position;

DROP INDEX IF EXISTS ix_feedevent_unpositioned;
