-- Milestones schema 0013 (PostgreSQL): an event's row without the insertion id nothing reads.
-- Until 0007 a sequencer positioned events after commit in insertion order (id, from an identity sequence, and the
-- index of the unpositioned ones). Since then every event is positioned by the statement that inserts it, and since
-- 0012 a build earlier than 0007 cannot write at all; yet every insert still drew an id (8 bytes in the row, the
-- sequence's log every 32 values) and checked that index. Both go; rows already stored keep their bytes until
-- rewritten (dropping a column only hides it).

DROP INDEX IF EXISTS ix_feedevent_unpositioned;
ALTER TABLE feedevent DROP COLUMN IF EXISTS id;
