// Shared fixture of the stored-function tests: a database with the gppart schema installed and a
// few ways to build and inspect partitioned tables. Test-only SQL.
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { migrate } from '../../../src/catalog/migrations.js';
import { createTestDb, newTablespaceDir, type TestDb } from '../../support/db.js';

export const SQL_DIR = fileURLToPath(new URL('../../../sql/postgres/', import.meta.url));

export async function installedDb(label: string): Promise<TestDb> {
  const db = await createTestDb(label);
  await migrate(db.client, SQL_DIR);
  return db;
}

export function q(ident: string): string {
  return '"' + ident.replace(/"/g, '""') + '"';
}

export function lit(text: string): string {
  return "'" + text.replace(/'/g, "''") + "'";
}

export type KeyType = 'date' | 'timestamp' | 'timestamptz';

/** `schema.table` partitioned by range on column k, with an id, a payload and an index on k. */
export async function createTable(
  c: pg.ClientBase,
  schema: string,
  table: string,
  opts: { keyType?: KeyType; withDefault?: boolean; defaultName?: string } = {},
): Promise<void> {
  const keyType = opts.keyType ?? 'date';
  await c.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
  await c.query(
    `CREATE TABLE ${q(schema)}.${q(table)} (id bigserial, k ${keyType} NOT NULL, v int NOT NULL DEFAULT 1) PARTITION BY RANGE (k)`,
  );
  await c.query(`CREATE INDEX ON ${q(schema)}.${q(table)} (k)`);
  if (opts.withDefault ?? true) {
    await c.query(
      `CREATE TABLE ${q(schema)}.${q(opts.defaultName ?? table + '_default')} PARTITION OF ${q(schema)}.${q(table)} DEFAULT`,
    );
  }
}

export async function addPartition(
  c: pg.ClientBase,
  schema: string,
  table: string,
  name: string,
  from: string,
  to: string,
): Promise<void> {
  await c.query(
    `CREATE TABLE ${q(schema)}.${q(name)} PARTITION OF ${q(schema)}.${q(table)} FOR VALUES FROM (${lit(from)}) TO (${lit(to)})`,
  );
}

/** One row per day in [from, to), `perDay` rows each. */
export async function fillDays(
  c: pg.ClientBase,
  schema: string,
  table: string,
  from: string,
  to: string,
  perDay = 1,
): Promise<void> {
  await c.query(
    `INSERT INTO ${q(schema)}.${q(table)} (k, v)
     SELECT d, n FROM generate_series(${lit(from)}::timestamp, ${lit(to)}::timestamp - interval '1 day', interval '1 day') d,
                      generate_series(1, $1) n`,
    [perDay],
  );
}

export interface Totals {
  rows: number;
  /** Sum of the key as epoch seconds plus the payload: changes if a row is lost, doubled or altered. */
  sum: number;
}

export async function totals(c: pg.ClientBase, relation: string): Promise<Totals> {
  const r = await c.query<{ rows: string; sum: string | null }>(
    `SELECT count(*) AS rows, sum(extract(epoch FROM k)::numeric + v) AS sum FROM ${relation}`,
  );
  return { rows: Number(r.rows[0]!.rows), sum: Number(r.rows[0]!.sum ?? 0) };
}

export interface PartitionRow {
  name: string;
  bound: string;
  tablespace: string | null;
  rows: number;
}

/** The partitions of a table, sorted by name, with their bounds as PostgreSQL prints them. */
export async function partitions(c: pg.ClientBase, schema: string, table: string): Promise<PartitionRow[]> {
  const r = await c.query<{ name: string; bound: string; tablespace: string | null; oid: number }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, t.spcname AS tablespace, c.oid
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace
      WHERE i.inhparent = (quote_ident($1) || '.' || quote_ident($2))::regclass
      ORDER BY c.relname`,
    [schema, table],
  );
  const out: PartitionRow[] = [];
  for (const row of r.rows) {
    const n = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(schema)}.${q(row.name)}`);
    out.push({ name: row.name, bound: row.bound, tablespace: row.tablespace, rows: Number(n.rows[0]!.n) });
  }
  return out;
}

export async function createTablespace(c: pg.ClientBase, name: string): Promise<void> {
  await c.query(`CREATE TABLESPACE ${q(name)} LOCATION ${lit(newTablespaceDir())}`);
}

/** Calls gppart.<fn> with bind parameters (arrays as text[]) and returns its bigint result. */
export async function call(c: pg.ClientBase, fn: string, args: Array<string | string[] | (string | null)[] | null>): Promise<number> {
  const params = args.map((_, i) => `$${i + 1}${Array.isArray(args[i]) ? '::text[]' : '::text'}`).join(', ');
  const r = await c.query<{ n: string }>(`SELECT gppart.${fn}(${params}) AS n`, args);
  return Number(r.rows[0]!.n);
}

/** Runs `fn` expecting a gppart error and returns its message. */
export async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error, the call succeeded');
}

/** Waits (up to 5 s) until some session waits for a lock on `relation`; returns how many do. */
export async function waitersOn(c: pg.ClientBase, relation: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const r = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = $1::regclass`,
      [relation],
    );
    if (r.rows[0]!.n > 0) return r.rows[0]!.n;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return 0;
}
