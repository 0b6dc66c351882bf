-- Milestones schema 0007 (PostgreSQL): an event gets its place in the feed from the transaction that stores it.
-- That transaction moves its service's feedhead row by the number of events it stores and places them after the
-- old head; the row stays locked until the transaction ends, so the transactions that store events take their
-- places one at a time, in the order they commit, and every event is written once (no sequencer updates it).
-- Events an earlier build stored without a place get theirs here, after their service's head, in insertion order;
-- the insertion order (id) and its index stay while an earlier build may still run beside this one.

INSERT INTO feedhead (serviceid, position, pruned)
SELECT DISTINCT serviceid, 0, 0 FROM feedevent WHERE position IS NULL
ON CONFLICT DO NOTHING;

WITH numbered AS (
    SELECT e.serviceid, e.id, h.position + row_number() OVER (PARTITION BY e.serviceid ORDER BY e.id) AS position
    FROM feedevent e JOIN feedhead h ON h.serviceid = e.serviceid
    WHERE e.position IS NULL
), placed AS (
    UPDATE feedevent e SET position = n.position
    FROM numbered n
    WHERE e.serviceid = n.serviceid AND e.id = n.id
    RETURNING e.serviceid, e.position
)
UPDATE feedhead h SET position = p.position
FROM (SELECT serviceid, MAX(position) AS position FROM placed GROUP BY serviceid) p
WHERE h.serviceid = p.serviceid;
