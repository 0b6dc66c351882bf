-- Baseline schema: applied at start (idempotent), under an advisory lock so several instances may start together.
-- Every lookup the commands make is by primary key or by a primary-key prefix; no other index is needed.

-- One row per user and currency. Rows are locked (SELECT ... FOR UPDATE) after the contract row, in user-id order.
CREATE TABLE IF NOT EXISTS accounts (
  user_id    text   NOT NULL,
  currency   text   NOT NULL,
  available  bigint NOT NULL DEFAULT 0 CHECK (available >= 0),
  held       bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
  deposited  bigint NOT NULL DEFAULT 0 CHECK (deposited >= 0),
  PRIMARY KEY (user_id, currency)
);

-- One row per contract: the row every command on the contract locks first.
CREATE TABLE IF NOT EXISTS contracts (
  id                  text        PRIMARY KEY,
  title               text        NOT NULL,
  client_id           text        NOT NULL,
  freelancer_id       text        NOT NULL,
  currency            text        NOT NULL,
  status              text        NOT NULL,
  terms_version       integer     NOT NULL,
  client_accepted     boolean     NOT NULL DEFAULT false,
  freelancer_accepted boolean     NOT NULL DEFAULT false,
  funded              bigint      NOT NULL DEFAULT 0,
  released            bigint      NOT NULL DEFAULT 0,
  refunded            bigint      NOT NULL DEFAULT 0,
  version             bigint      NOT NULL,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);

-- Milestones of a contract, read by the primary key's prefix (contract_id) and ordered by seq.
CREATE TABLE IF NOT EXISTS milestones (
  contract_id        text        NOT NULL REFERENCES contracts (id),
  id                 text        NOT NULL,
  seq                integer     NOT NULL,
  description        text        NOT NULL,
  due_date           date        NOT NULL,
  amount             bigint      NOT NULL CHECK (amount > 0),
  status             text        NOT NULL,
  funded_at          timestamptz,
  submitted_at       timestamptz,
  auto_release_at    timestamptz,
  released_at        timestamptz,
  refunded_at        timestamptz,
  submission_message text,
  submission_links   text[],
  PRIMARY KEY (contract_id, id)
);

-- Every movement of money, once: the deterministic id ({contract}/{milestone}/fund|release, deposit/{reference})
-- is the primary key, so a replayed step can never move money twice.
CREATE TABLE IF NOT EXISTS transfers (
  id           text        PRIMARY KEY,
  kind         text        NOT NULL,
  from_user    text,
  to_user      text,
  currency     text        NOT NULL,
  amount       bigint      NOT NULL CHECK (amount > 0),
  contract_id  text,
  milestone_id text,
  at           timestamptz NOT NULL
);

-- Open escrow holds, itemised per contract and milestone (the account view lists them).
CREATE TABLE IF NOT EXISTS holds (
  user_id      text        NOT NULL,
  contract_id  text        NOT NULL,
  milestone_id text        NOT NULL,
  currency     text        NOT NULL,
  amount       bigint      NOT NULL CHECK (amount > 0),
  at           timestamptz NOT NULL,
  PRIMARY KEY (user_id, contract_id, milestone_id)
);
