-- Milestones schema 0012 (PostgreSQL): an event's place in the feed comes from its transaction's id; no row is shared.
-- Since 0007 every transaction that stored events moved its service's feedhead row and held the row's lock until it
-- committed, so those transactions committed one at a time: at 16 concurrent lifecycles a batch's statement spent
-- 4.1 of its 4.9 ms waiting for that lock. Now an event's position is its transaction's id (xid8) times 65,536 plus
-- its number among the transaction's events, and a reader reads only below the oldest transaction still running
-- when its statement began (pg_snapshot_xmin): every transaction under it has ended, so no event can commit later
-- beneath what a reader has read, and positions still give one order that every reader sees. They grow with
-- transaction ids, above every position an earlier build gave (checked here). feedhead keeps only what was pruned:
-- its position column goes, so that an earlier build still running, which would number events from it, fails its
-- writes (which are retried) instead of placing events under readers' cursors.

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM feedhead WHERE position >= (pg_current_xact_id()::text::bigint << 16)) THEN
        RAISE EXCEPTION 'The feed has given positions at or above those this transaction''s id would give.';
    END IF;
END $$;

ALTER TABLE feedhead DROP COLUMN IF EXISTS position;
