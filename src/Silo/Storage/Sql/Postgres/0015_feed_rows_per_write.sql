-- Milestones schema 0015 (PostgreSQL): a write's events in one row.
-- Every event took a row of its own: a tuple, an entry in the streams' index (serviceid, stream, seq) and one in the
-- feed's (serviceid, position), about 620 bytes of log whatever the event held, and a contract's command often records
-- two events (the second acceptance and the activation, a release and its fee). Now the events a write records in one
-- stream at one time, none of them a ledger line (found by its transfer id, a line keeps its row), share a row: seq and
-- position are its first event's, events counts them (at consecutive numbers and positions, all in one transaction's),
-- type names their types separated by spaces, and body (or packed) holds their JSON separated by the record separator
-- (U+001E, which JSON text never holds). A row sent again in part (a write whose outcome was unknown, followed by
-- events) is stored from its first new event: its text keeps the events before, and a reader takes its last ones.
-- Rows stored before hold one event each. A build earlier than this one would read a row of several events as one:
-- stop every silo before starting this build's.

ALTER TABLE feedevent ADD COLUMN IF NOT EXISTS events smallint NOT NULL DEFAULT 1;
ALTER TABLE feedevent ALTER COLUMN type TYPE text;
