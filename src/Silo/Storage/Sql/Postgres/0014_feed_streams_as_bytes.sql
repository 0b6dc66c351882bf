-- Milestones schema 0014 (PostgreSQL): an event's stream named in 17 bytes, not 46.
-- The stream's name is in every event's row and in its entry of the primary key (serviceid, stream, seq); contract ids
-- are random, so a contract's entries land all over that index, and its page splits grow with the entries' size. A
-- contract's stream whose id the API hands out ('contract:ctr_' and 32 hex digits) is stored as the byte 1 and the id's
-- 16 bytes; an account's ('account:' and its id) as the byte 2 and the id in UTF-8; any other as its name in UTF-8
-- (a name never starts with either byte). Every row is rewritten once, here, and the table's indexes rebuilt. A build
-- earlier than this one cannot write on it (its streams are text): stop every silo before starting this build's.

ALTER TABLE feedevent ALTER COLUMN stream TYPE bytea USING (
    CASE
        WHEN stream ~ '^contract:ctr_[0-9a-f]{32}$' THEN '\x01'::bytea || decode(substr(stream, 14), 'hex')
        WHEN stream LIKE 'account:%' THEN '\x02'::bytea || convert_to(substr(stream, 9), 'UTF8')
        ELSE convert_to(stream, 'UTF8')
    END);
