/**
 * @module
 * Schema version 1. Times are epoch milliseconds (bigint); execution inputs and outputs are text,
 * byte-exact as the engine keeps them; structured fields are JSON text (database.ts: why not
 * jsonb). Indexes follow the queries: newest-first lists by (time, id), per-function lists, the
 * unfinished rows start-up reloads, and the retention sweeps.
 */
export const SCHEMA_V1 = `
CREATE TABLE functions (
  name text PRIMARY KEY,
  spec text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE TABLE executions (
  id text PRIMARY KEY,
  function text NOT NULL,
  lane text NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL,
  input text NOT NULL,
  metadata text,
  idempotency_key text,
  trace text NOT NULL,
  output text,
  error text,
  created_at bigint NOT NULL,
  started_at bigint,
  finished_at bigint,
  cold_start boolean NOT NULL,
  init_duration_ms double precision,
  parent_execution_id text,
  root_execution_id text
);
CREATE INDEX executions_newest ON executions (created_at DESC, id DESC);
CREATE INDEX executions_function_newest ON executions (function, created_at DESC, id DESC);
CREATE INDEX executions_unfinished ON executions (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX executions_finished ON executions (finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE idempotency_keys (
  function text NOT NULL,
  key text NOT NULL,
  execution_id text NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (function, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
CREATE TABLE dead_letters (
  id text PRIMARY KEY,
  function text NOT NULL,
  execution_id text NOT NULL,
  input text NOT NULL,
  metadata text,
  error text,
  attempts integer NOT NULL,
  failed_at bigint NOT NULL,
  replayed_as text,
  root_execution_id text
);
CREATE INDEX dead_letters_newest ON dead_letters (failed_at DESC, id DESC);
CREATE INDEX dead_letters_function_newest ON dead_letters (function, failed_at DESC, id DESC);
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  prefix text NOT NULL,
  key_sha256 text NOT NULL UNIQUE,
  scopes text NOT NULL,
  tenant text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint
);
CREATE TABLE audit_events (
  id text PRIMARY KEY,
  time bigint NOT NULL,
  actor text NOT NULL,
  tenant text NOT NULL,
  action text NOT NULL,
  target text,
  outcome text NOT NULL,
  status integer NOT NULL,
  request_id text NOT NULL,
  source text NOT NULL
);
CREATE INDEX audit_events_newest ON audit_events (time DESC, id DESC);
`;
