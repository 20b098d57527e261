-- Greenplum 6 (PostgreSQL 9.4 underneath): the gppart schema and its bookkeeping tables.
-- gppart.migrations is created by the installer itself. Differences from sql/postgres/001:
-- no REFERENCES (GP6 parses but never enforces foreign keys), explicit DISTRIBUTED BY so every
-- primary key contains the distribution key, and jsonb (present since GP 6.0, PostgreSQL 9.4).
CREATE SCHEMA IF NOT EXISTS gppart;

-- One row per `gppart apply`.
CREATE TABLE gppart.applies (
  id bigserial PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed', 'partial')),
  db_user text NOT NULL DEFAULT current_user,
  client text,
  tool_version text,
  policy_hash text,
  plan_hash text,
  now_value text
) DISTRIBUTED BY (id);

-- One row per step, written in the step's own transaction.
CREATE TABLE gppart.journal (
  id bigserial PRIMARY KEY,
  apply_id bigint NOT NULL,
  table_name text NOT NULL,
  step_no int NOT NULL,
  kind text NOT NULL,
  call text NOT NULL,
  status text NOT NULL CHECK (status IN ('started', 'done', 'failed')),
  rows bigint,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  error text
) DISTRIBUTED BY (id);

CREATE INDEX journal_apply_idx ON gppart.journal (apply_id, step_no);

-- The actual state of each table before and after an apply.
CREATE TABLE gppart.snapshots (
  apply_id bigint NOT NULL,
  phase text NOT NULL CHECK (phase IN ('before', 'after')),
  table_name text NOT NULL,
  state jsonb NOT NULL,
  taken_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (apply_id, phase, table_name)
) DISTRIBUTED BY (apply_id);
