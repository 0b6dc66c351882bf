-- Milestones schema 0005 (SQLite): users' "My Jobs".
-- A contract's lines (one in its client's list, one in its freelancer's) are written in the transaction that writes
-- the contract's state, and only where that write succeeded: a list shows every stored change and no other. A line
-- of a newer contract version is never replaced by an older one.
-- A list is read newest first, then by contract id: created is the creation time in .NET ticks (UTC), exact to the
-- 100 ns the paging cursor names, and ids compare byte by byte (SQLite's BINARY collation), as the cursor does.

CREATE TABLE IF NOT EXISTS usercontract
(
    serviceid  TEXT    NOT NULL,
    userid     TEXT    NOT NULL,
    contractid TEXT    NOT NULL,
    role       TEXT    NOT NULL,  -- the user's role in the contract: Client or Freelancer
    status     TEXT    NOT NULL,  -- the contract's status
    title      TEXT    NOT NULL,
    created    INTEGER NOT NULL,
    version    INTEGER NOT NULL,  -- the contract's version the line shows
    PRIMARY KEY (serviceid, userid, contractid)
);

CREATE INDEX IF NOT EXISTS ix_usercontract_newest ON usercontract (serviceid, userid, created DESC, contractid);
