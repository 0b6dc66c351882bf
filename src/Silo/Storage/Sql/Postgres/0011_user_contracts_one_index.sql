-- Milestones schema 0011 (PostgreSQL): users' "My Jobs" in one index.
-- A line was indexed twice: by its primary key (serviceid, userid, contractid) and in the list's order
-- (serviceid, userid, created DESC, contractid). A contract's creation time never changes, so the order names a line
-- as well as the key does: it becomes the one unique index, a write finds its line there, and a new line costs one
-- index entry, not two. (A primary key cannot be that index: its columns would have to sort ascending.)

CREATE UNIQUE INDEX IF NOT EXISTS ux_usercontract ON usercontract (serviceid, userid, created DESC, contractid);
ALTER TABLE usercontract REPLICA IDENTITY USING INDEX ux_usercontract;
ALTER TABLE usercontract DROP CONSTRAINT IF EXISTS pk_usercontract;
DROP INDEX IF EXISTS ix_usercontract_newest;
