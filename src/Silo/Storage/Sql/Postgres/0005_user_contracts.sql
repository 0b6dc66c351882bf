-- Milestones schema 0005 (PostgreSQL): users' "My Jobs".
-- A contract's lines (one in its client's list, one in its freelancer's) are written by the statement that writes
-- the contract's state, and only where that write succeeded: a list shows every stored change and no other. A line
-- of a newer contract version is never replaced by an older one.
-- A list is read newest first, then by contract id: created is the creation time in .NET ticks (UTC), exact to the
-- 100 ns the paging cursor names (timestamptz keeps microseconds), and ids compare byte by byte (COLLATE "C"), as
-- the cursor does. Only status, title and version change, none of them indexed: the updates can stay on their page.

CREATE TABLE IF NOT EXISTS usercontract
(
    serviceid  varchar(150) NOT NULL,
    userid     text         NOT NULL,
    contractid text         COLLATE "C" NOT NULL,
    role       varchar(20)  NOT NULL,  -- the user's role in the contract: Client or Freelancer
    status     varchar(20)  NOT NULL,  -- the contract's status
    title      text         NOT NULL,
    created    bigint       NOT NULL,
    version    bigint       NOT NULL,  -- the contract's version the line shows
    CONSTRAINT pk_usercontract PRIMARY KEY (serviceid, userid, contractid)
) WITH (fillfactor = 80);

CREATE INDEX IF NOT EXISTS ix_usercontract_newest ON usercontract (serviceid, userid, created DESC, contractid);
