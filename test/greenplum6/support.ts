// What the Greenplum 6 suite shares: a database and a login role of its own per test file on the
// cluster named by GPPART_TEST_GREENPLUM6_URL, the cluster's psql, and catalog probes that
// describe a partitioned table the way a DBA would compare it before and after a step.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';

/** postgres://superuser:password@host:port/db of a Greenplum 6 master; unset = the suite is skipped. */
export const GP6_URL = process.env.GPPART_TEST_GREENPLUM6_URL;

/** Reported by name when skipped, so a run without a cluster says what it did not test. */
export function describeGp6(name: string, fn: () => void): void {
  describe.skipIf(!GP6_URL)(`Greenplum 6 (set GPPART_TEST_GREENPLUM6_URL): ${name}`, fn);
}

/** The cluster's psql (`--format sql` scripts are run through it); GPPART_TEST_GREENPLUM6_PSQL overrides. */
export function gp6Psql(): string {
  const configured = process.env.GPPART_TEST_GREENPLUM6_PSQL;
  if (configured) return configured;
  const bundled = '/usr/local/greenplum-db-6.24.3/bin/psql';
  return existsSync(bundled) ? bundled : 'psql';
}

export function q(ident: string): string {
  return '"' + ident.replace(/"/g, '""') + '"';
}

export function lit(text: string): string {
  return "'" + text.replace(/'/g, "''") + "'";
}

/** A policy's `table:` value for any schema and name, as YAML single-quoted text. */
export function yamlTable(schema: string, name: string): string {
  return `'${`${q(schema)}.${q(name)}`.replace(/'/g, "''")}'`;
}

function withTarget(url: string, db: string, user?: string, password?: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(db);
  if (user) u.username = encodeURIComponent(user);
  if (password) u.password = encodeURIComponent(password);
  return u.toString();
}

export interface Gp6Db {
  /** URL of the file's database, as its own superuser role with a random password. */
  url: string;
  name: string;
  role: string;
  client: pg.Client;
  connect(): Promise<pg.Client>;
  /** Runs the built CLI against this database. */
  cli(args: string[], input?: string): Promise<CliResult>;
  /** A policy file in this file's scratch directory. */
  policy(name: string, text: string): string;
  dir: string;
  /** Roles made for owner/grant checks are cluster-wide: named per file, dropped with it. */
  makeRole(label: string): Promise<string>;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: GP6_URL });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A database of its own on the cluster, used through a superuser role of its own. The role's
 * password is random: gppart redacts the connection password from its output, and the cluster's
 * documented password "gppart" would otherwise mask every mention of schema gppart.
 */
export async function createGp6Db(label: string): Promise<Gp6Db> {
  const tag = randomBytes(4).toString('hex');
  const name = `gp6_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${tag}`;
  const role = `gppart_t_${tag}`;
  const password = randomBytes(12).toString('hex');
  await adminQuery(`CREATE ROLE ${q(role)} SUPERUSER LOGIN PASSWORD ${lit(password)}`);
  await adminQuery(`CREATE DATABASE ${q(name)} OWNER ${q(role)}`);
  const url = withTarget(GP6_URL!, name, role, password);
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('SET client_min_messages = warning');
  const extra: pg.Client[] = [];
  const roles: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), `gppart-gp6-${label}-`));
  return {
    url,
    name,
    role,
    client,
    dir,
    async connect() {
      const c = new pg.Client({ connectionString: url });
      c.on('error', () => undefined);
      await c.connect();
      extra.push(c);
      return c;
    },
    cli: (args, input) => runCli(args, { env: { GPPART_DATABASE_URL: url }, ...(input !== undefined ? { input } : {}) }),
    policy(file, text) {
      const f = join(dir, file);
      writeFileSync(f, text);
      return f;
    },
    async makeRole(l) {
      const r = `${l}_${tag}`;
      await client.query(`CREATE ROLE ${q(r)}`);
      roles.push(r);
      return r;
    },
    async drop() {
      for (const c of extra) await c.end().catch(() => undefined);
      await client.end().catch(() => undefined);
      // Backends of killed applies may linger a moment; DROP DATABASE waits for none of them.
      for (let i = 0; ; i++) {
        try {
          await adminQuery(`DROP DATABASE IF EXISTS ${q(name)}`);
          break;
        } catch (err) {
          if (i >= 50) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      for (const r of [...roles, role]) await adminQuery(`DROP ROLE IF EXISTS ${q(r)}`);
    },
  };
}

/** Runs a script through the cluster's psql as the file's role; returns stdout+stderr and the exit code. */
export function psqlScript(db: Gp6Db, script: string): { code: number; output: string } {
  const u = new URL(db.url);
  const file = join(db.dir, `script-${randomBytes(3).toString('hex')}.sql`);
  writeFileSync(file, script);
  try {
    const output = execFileSync(gp6Psql(), ['-X', '-q', '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username), '-d', db.name, '-f', file], {
      env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password), PGOPTIONS: '' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: 0, output };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

// ------------------------------------------------------------------ fixtures

export type Storage = 'heap' | 'ao_row' | 'ao_column';

export const WITH: Record<Storage, string> = {
  heap: '',
  ao_row: 'WITH (appendonly=true, orientation=row, compresstype=zlib, compresslevel=1)',
  ao_column: 'WITH (appendonly=true, orientation=column, compresstype=zstd, compresslevel=1)',
};

/**
 * `schema.table (id bigint, day date, v bigint, src text)` distributed by id, range-partitioned on
 * day by the given partition clauses (named or EVERY-made), with the given storage.
 */
export async function createTable(
  c: pg.ClientBase,
  schema: string,
  table: string,
  storage: Storage,
  partitions: string,
): Promise<void> {
  await c.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
  await c.query(
    `CREATE TABLE ${q(schema)}.${q(table)} (id bigint NOT NULL, day date NOT NULL, v bigint NOT NULL, src text NOT NULL DEFAULT 'seed')
     ${WITH[storage]} DISTRIBUTED BY (id) PARTITION BY RANGE (day) (${partitions})`,
  );
}

/** `perDay` rows for every day in [from, to); ids continue from the table's maximum; v distinctive. */
export async function fillDays(c: pg.ClientBase, schema: string, table: string, from: string, to: string, perDay: number): Promise<void> {
  const t = `${q(schema)}.${q(table)}`;
  await c.query(
    `INSERT INTO ${t} (id, day, v)
     SELECT coalesce((SELECT max(id) FROM ${t}), 0) + row_number() OVER (), d::date, (extract(epoch FROM d)::bigint / 86400) * 1000 + n
     FROM generate_series(${lit(from)}::date, ${lit(to)}::date - 1, interval '1 day') d, generate_series(1, ${perDay}) n`,
  );
}

export interface Totals {
  rows: number;
  /** Sum of v: changes if a row is lost, doubled or altered. */
  vSum: string;
  /** A hash over every row (order-free): any changed, lost or doubled row changes it. */
  rowHash: string;
}

export async function totals(c: pg.ClientBase, schema: string, table: string, where = 'true'): Promise<Totals> {
  const r = await c.query<{ n: string; v: string; h: string }>(
    `SELECT count(*) AS n, coalesce(sum(v), 0)::text AS v,
            coalesce(sum(('x' || substr(md5(id::text || '|' || day::text || '|' || v::text || '|' || src), 1, 15))::bit(60)::bigint), 0)::text AS h
     FROM ${q(schema)}.${q(table)} WHERE ${where}`,
  );
  return { rows: Number(r.rows[0]!.n), vSum: r.rows[0]!.v, rowHash: r.rows[0]!.h };
}

export interface PartitionShape {
  /** pg_partitions.partitiontablename */
  child: string;
  name: string | null;
  range: string;
  tablespace: string;
  /** relstorage + the options that make it: h, or a/c with pg_appendonly's compression. */
  storage: string;
  reloptions: string;
  owner: string;
  acl: string;
  distribution: string;
  /** Index definitions with the child's own name taken out. */
  indexes: string[];
}

/** Everything a DBA would compare about each partition of a table (DEFAULT last). */
export async function shape(c: pg.ClientBase, schema: string, table: string): Promise<PartitionShape[]> {
  const r = await c.query<{
    child: string;
    name: string | null;
    range: string;
    tablespace: string;
    storage: string;
    reloptions: string;
    owner: string;
    acl: string;
    distribution: string;
    indexes: string[] | null;
  }>(
    `SELECT p.partitiontablename::text AS child, p.partitionname::text AS name,
            CASE WHEN p.partitionisdefault THEN 'DEFAULT' ELSE p.partitionrangestart || ' .. ' || p.partitionrangeend END AS range,
            coalesce(t.spcname::text, 'pg_default') AS tablespace,
            c.relstorage || coalesce(' ' || ao.compresstype || ':' || ao.compresslevel || CASE WHEN ao.columnstore THEN ' column' ELSE ' row' END, '') AS storage,
            coalesce(array_to_string(c.reloptions, ','), '') AS reloptions,
            pg_get_userbyid(c.relowner)::text AS owner,
            coalesce(c.relacl::text, '') AS acl,
            pg_get_table_distributedby(c.oid) AS distribution,
            (SELECT array_agg(regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+', 'CREATE \\1INDEX ON') ORDER BY 1)
               FROM pg_index i WHERE i.indrelid = c.oid) AS indexes
     FROM pg_partitions p
     JOIN pg_namespace n ON n.nspname = p.partitionschemaname
     JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.partitiontablename
     LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace
     LEFT JOIN pg_appendonly ao ON ao.relid = c.oid
     WHERE p.schemaname = $1 AND p.tablename = $2
     ORDER BY p.partitionisdefault, p.partitionrangestart`,
    [schema, table],
  );
  return r.rows.map((x) => ({ ...x, indexes: x.indexes ?? [] }));
}

/** The parent's own storage, owner, grants, distribution and index definitions. */
export async function parentShape(c: pg.ClientBase, schema: string, table: string) {
  const r = await c.query(
    `SELECT c.relstorage || coalesce(' ' || ao.compresstype || ':' || ao.compresslevel || CASE WHEN ao.columnstore THEN ' column' ELSE ' row' END, '') AS storage,
            coalesce(array_to_string(c.reloptions, ','), '') AS reloptions,
            pg_get_userbyid(c.relowner)::text AS owner, coalesce(c.relacl::text, '') AS acl,
            pg_get_table_distributedby(c.oid) AS distribution,
            (SELECT count(*)::int FROM pg_index i WHERE i.indrelid = c.oid) AS indexes
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_appendonly ao ON ao.relid = c.oid
     WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table],
  );
  return r.rows[0] as { storage: string; reloptions: string; owner: string; acl: string; distribution: string; indexes: number };
}

export interface JournalRow {
  apply_id: number;
  step_no: number;
  kind: string;
  status: string;
  rows: string | null;
  error: string | null;
}

export async function journal(c: pg.ClientBase, table: string): Promise<JournalRow[]> {
  const r = await c.query(`SELECT apply_id::int, step_no, kind, status, rows::text, error FROM gppart.journal WHERE table_name = $1 ORDER BY id`, [table]);
  return r.rows as JournalRow[];
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface PlanDoc {
  tables: Array<{
    table: string;
    warnings: string[];
    steps: Array<{ kind: string; estimatedRows: number; reads: Array<{ name: string; isDefault: boolean }>; produces: Array<{ name: string; from?: string; isDefault: boolean }>; call: { name: string } }>;
  }>;
}

export async function planJson(db: Gp6Db, policyFile: string, now: string): Promise<PlanDoc> {
  const r = await db.cli(['plan', '-c', policyFile, '--now', now, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as PlanDoc;
}

export function applyArgs(db: Gp6Db, policyFile: string, now: string): string[] {
  return ['apply', '-c', policyFile, '--now', now, '--auto-approve', '--allow-now-override', '--allow-destroy', '--state-dir', join(db.dir, 'state')];
}

/** Applies, expects success, and expects the re-plan to be empty. */
export async function applyConverges(db: Gp6Db, policyFile: string, now: string): Promise<CliResult> {
  const r = await db.cli(applyArgs(db, policyFile, now));
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/A new plan is empty/);
  expect(r.code).toBe(0);
  const again = await db.cli(['plan', '-c', policyFile, '--now', now, '--detailed-exitcode']);
  expect(again.stdout).toMatch(/No changes/);
  expect(again.code).toBe(0);
  return r;
}
