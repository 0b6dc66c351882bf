-- Milestones schema 0006 (SQLite): the answers a grain remembers by idempotency key.
-- A state keeps each key with its command's fingerprint and time; the answer (a contract's whole view) is stored
-- once, here, in the transaction that writes the state remembering the key, and deleted in the one that writes the
-- state forgetting it; both only where that state's write succeeded. A key sent again keeps the answer stored first.

CREATE TABLE IF NOT EXISTS commandanswer
(
    serviceid TEXT NOT NULL,
    grainid   TEXT NOT NULL,  -- Orleans' text form, as in grainstate
    key       TEXT NOT NULL,  -- the Idempotency-Key
    answer    BLOB NOT NULL,  -- Orleans' versioned binary serialization
    PRIMARY KEY (serviceid, grainid, key)
);
