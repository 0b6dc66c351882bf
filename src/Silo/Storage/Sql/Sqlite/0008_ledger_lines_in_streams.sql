-- Milestones schema 0008 (SQLite): an account's ledger kept in its stream (as PostgreSQL's 0010 explains): each line
-- is stored beside its event (line) and found by transfer id through lineref, which an index of its own finds.

ALTER TABLE feedevent ADD COLUMN line BLOB NULL;
ALTER TABLE feedevent ADD COLUMN lineref INTEGER NULL;
CREATE INDEX IF NOT EXISTS ix_feedevent_lineref ON feedevent (lineref) WHERE lineref IS NOT NULL;
