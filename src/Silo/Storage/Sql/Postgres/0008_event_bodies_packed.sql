-- Milestones schema 0008 (PostgreSQL): an event's JSON is stored deflated where that makes it smaller (most events,
-- about 500 bytes of JSON that deflate to about 320), in packed; body keeps the JSON of the others and of every
-- event an earlier build stored. Exactly one of the two is set. No row is rewritten.

ALTER TABLE feedevent ADD COLUMN IF NOT EXISTS packed bytea NULL;
ALTER TABLE feedevent ALTER COLUMN body DROP NOT NULL;
