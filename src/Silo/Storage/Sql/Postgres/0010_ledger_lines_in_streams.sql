-- Milestones schema 0010 (PostgreSQL): an account's ledger kept in its stream.
-- An account's events are its ledger lines. An earlier build kept each line three times more: in the account's row
-- (rewritten by every write until 16 lines filled a page), in a page row, and in a row per line that found it by
-- transfer id. Now the line is stored once more only, in its event's row (line: the line serialized, as a grain's
-- state is; the event's JSON is made from it when read), and found by transfer id through lineref (64 bits of the SHA-256 of the stream and the id) in an index
-- of its own, one short entry per line. Events that carry a line are the ledger, so retention spares them. Lines an
-- earlier build sealed stay in their pages, where that build's rows find them. No row is rewritten.

ALTER TABLE feedevent ADD COLUMN IF NOT EXISTS line bytea NULL;
ALTER TABLE feedevent ADD COLUMN IF NOT EXISTS lineref bigint NULL;
CREATE INDEX IF NOT EXISTS ix_feedevent_lineref ON feedevent (lineref) WHERE lineref IS NOT NULL;
