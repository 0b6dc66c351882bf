-- Milestones schema 0006 (PostgreSQL): the answers a grain remembers by idempotency key.
-- A state keeps each key with its command's fingerprint and time; the answer (a contract's whole view) is stored
-- once, here, by the statement that writes the state remembering the key, and deleted by the one that writes the
-- state forgetting it; both only where that state's write succeeded. A key sent again (a write of unknown outcome)
-- keeps the answer stored first: a command's answer is decided once.

CREATE TABLE IF NOT EXISTS commandanswer
(
    serviceid varchar(150) NOT NULL,
    grainid   varchar(512) NOT NULL,  -- Orleans' text form, as in grainstate
    key       text         NOT NULL,  -- the Idempotency-Key
    answer    bytea        NOT NULL,  -- Orleans' versioned binary serialization
    CONSTRAINT pk_commandanswer PRIMARY KEY (serviceid, grainid, key)
);
