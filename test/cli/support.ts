// What the data-safety CLI tests share: a spawned apply we can kill, polling, and small SQL
// helpers over test-only tables (id, day date, v bigint, src text).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { CliResult } from '../support/cli.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

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

export function yamlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** The built binary, started without waiting for it, so a test can watch it and kill it. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): RunningCli {
  const full: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  for (const k of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE']) {
    if (!(k in env)) delete full[k];
  }
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), ...args], { env: full, cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin!.end('');
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr }));
  });
  return { child, done };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** The backend of a running apply while it executes a call of `fn` (e.g. 'split_default'). */
export async function applyBackend(c: pg.ClientBase, fn: string): Promise<{ pid: number; applicationName: string } | null> {
  const r = await c.query<{ pid: number; application_name: string }>(
    `SELECT pid, application_name FROM pg_stat_activity
     WHERE datname = current_database() AND application_name LIKE 'gppart apply%' AND state = 'active'
       AND query ~ $1`,
    [`gppart"?\\."?${fn}"?\\(`],
  );
  const row = r.rows[0];
  return row ? { pid: row.pid, applicationName: row.application_name } : null;
}

export async function backendGone(c: pg.ClientBase, pid: number): Promise<boolean> {
  const r = await c.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [pid]);
  return r.rowCount === 0;
}

/** Partitions of a table: name, bound and tablespace, sorted by name. */
export async function partitions(c: pg.ClientBase, schema: string, table: string): Promise<string[]> {
  const r = await c.query<{ line: string }>(
    `SELECT c.relname || ' ' || pg_get_expr(c.relpartbound, 0) || ' ' || coalesce(t.spcname, '-') AS line
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace
     WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
    [`${q(schema)}.${q(table)}`],
  );
  return r.rows.map((x) => x.line);
}

export interface Totals {
  rows: number;
  /** Sum of v: changes if a row is lost, doubled or altered. */
  vSum: string;
  /** Sum of the key in days since 2000-01-01. */
  keySum: string;
}

export async function totals(c: pg.ClientBase, schema: string, table: string, where = 'true'): Promise<Totals> {
  const r = await c.query<{ n: number; v: string; k: string }>(
    `SELECT count(*)::int AS n, coalesce(sum(v), 0)::text AS v, coalesce(sum(day - date '2000-01-01'), 0)::text AS k
     FROM ${q(schema)}.${q(table)} WHERE ${where}`,
  );
  return { rows: r.rows[0]!.n, vSum: r.rows[0]!.v, keySum: r.rows[0]!.k };
}

/** `schema.table` (id, day date, v bigint, src text) by range on day, with an index and a DEFAULT. */
export async function createTable(c: pg.ClientBase, schema: string, table: string, opts: { defaultName?: string } = {}): Promise<void> {
  await c.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
  await c.query(
    `CREATE TABLE ${q(schema)}.${q(table)} (id bigserial, day date NOT NULL, v bigint NOT NULL, src text NOT NULL DEFAULT 'seed') PARTITION BY RANGE (day)`,
  );
  await c.query(`CREATE INDEX ON ${q(schema)}.${q(table)} (day)`);
  await c.query(`CREATE TABLE ${q(schema)}.${q(opts.defaultName ?? `${table} default`)} PARTITION OF ${q(schema)}.${q(table)} DEFAULT`);
}

export async function addPartition(c: pg.ClientBase, schema: string, table: string, name: string, from: string, to: string, tablespace?: string): Promise<void> {
  await c.query(
    `CREATE TABLE ${q(schema)}.${q(name)} PARTITION OF ${q(schema)}.${q(table)} FOR VALUES FROM (${lit(from)}) TO (${lit(to)})` +
      (tablespace ? ` TABLESPACE ${q(tablespace)}` : ''),
  );
}

/** `perDay` rows for every day in [from, to); v = a running number so sums are distinctive. */
export async function fillDays(c: pg.ClientBase, schema: string, table: string, from: string, to: string, perDay: number): Promise<void> {
  await c.query(
    `INSERT INTO ${q(schema)}.${q(table)} (day, v)
     SELECT d::date, (extract(epoch FROM d)::bigint / 86400) * 1000 + n
     FROM generate_series(${lit(from)}::date, ${lit(to)}::date - 1, interval '1 day') d, generate_series(1, ${perDay}) n`,
  );
  await c.query(`ANALYZE ${q(schema)}.${q(table)}`);
}

/**
 * Makes every row written through the table cost ~2 ms: PostgreSQL clones a row trigger of a
 * partitioned table onto every partition, including the ones a step creates, so a step that
 * moves a few thousand rows runs for seconds without needing a large table.
 */
/**
 * Makes every row a step writes cost ~2 ms, so a step runs long enough to be observed or killed.
 * A CHECK constraint rather than a trigger: gppart's steps copy rows through staging tables made
 * `LIKE parent INCLUDING CONSTRAINTS`, which carry CHECK constraints but deliberately no triggers.
 * The switch is a row in a table, so the rows the test itself inserts beforehand stay fast.
 */
export async function slowWrites(c: pg.ClientBase, schema: string, table: string): Promise<void> {
  await c.query(`CREATE TABLE IF NOT EXISTS public.gppart_test_slow_switch (on_ boolean NOT NULL)`);
  await c.query(`DELETE FROM public.gppart_test_slow_switch; INSERT INTO public.gppart_test_slow_switch VALUES (true)`);
  await c.query(
    `CREATE OR REPLACE FUNCTION public.gppart_test_slow(anyelement) RETURNS boolean LANGUAGE plpgsql AS $$
     BEGIN
       IF (SELECT bool_or(on_) FROM public.gppart_test_slow_switch) THEN PERFORM pg_sleep(0.002); END IF;
       RETURN true;
     END $$`,
  );
  await c.query(`UPDATE public.gppart_test_slow_switch SET on_ = false`);
  await c.query(`ALTER TABLE ${q(schema)}.${q(table)} ADD CONSTRAINT gppart_test_slow CHECK (public.gppart_test_slow(day))`);
  await c.query(`UPDATE public.gppart_test_slow_switch SET on_ = true`);
}

export async function journal(c: pg.ClientBase, table: string): Promise<Array<{ apply_id: number; step_no: number; kind: string; status: string; error: string | null }>> {
  const r = await c.query(
    `SELECT apply_id::int, step_no, kind, status, error FROM gppart.journal WHERE table_name = $1 ORDER BY id`,
    [table],
  );
  return r.rows;
}
