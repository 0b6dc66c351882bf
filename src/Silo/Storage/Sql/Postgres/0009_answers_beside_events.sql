-- Milestones schema 0009 (PostgreSQL): a command's answer stored beside the first event its write stores.
-- A contract's answer (its view after the command) used to take a commandanswer row of its own: a row, an index entry
-- of (service, grain, key) and its log, for about 170 bytes of answer. Most keyed commands record an event in the
-- same write, so the answer goes into that event's row instead (answerkey names its key; the second answer of a write
-- goes beside its second new event, and so on), and takes a commandanswer row only where its write stores too few new
-- events. A key's answer is read from its own row first, else from the newest event of the grain's stream that names
-- it (the stream's primary key finds the events; a contract has at most a few hundred). An answer beside an event stays
-- with the event when its key is forgotten: nothing reads it then, unless the key is remembered again with a newer one.
-- No row is rewritten.

ALTER TABLE feedevent ADD COLUMN IF NOT EXISTS answerkey text NULL;
ALTER TABLE feedevent ADD COLUMN IF NOT EXISTS answer bytea NULL;
