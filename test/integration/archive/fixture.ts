// What the archive tests share: a table with one column of every type archive maps, rows that
// stress the formats (NULLs, unicode, escapes, infinities, BC dates), plans made by hand with the
// planner's own unloadStep(), and a fingerprint of a partition's contents to compare after restore.
import type pg from 'pg';
import { openSession, type Session } from '../../../src/catalog/connection.js';
import { postgresDriver } from '../../../src/catalog/postgres.js';
import { executePlan, type ApplyResult } from '../../../src/apply/executor.js';
import { fingerprint } from '../../../src/plan/fingerprint.js';
import type { KeyType, Plan, QualifiedName } from '../../../src/plan/model.js';
import { unloadStep } from '../../../src/plan/unload-step.js';
import type { ArchivePolicy } from '../../../src/policy/types.js';
import { readTables } from '../../../src/workflow/planning.js';
import type { ObjectStore } from '../../../src/s3/object-store.js';
import { SQL_DIR, lit, q } from '../procedures/fixture.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { SQL_DIR, lit, q };

/** Columns of every type the parquet mapping knows, plus a few it keeps as text. */
export const WIDE_COLUMNS = `
  id bigint NOT NULL, k KEYTYPE NOT NULL, i2 smallint, i4 integer, f4 real, f8 double precision,
  n numeric(12,2), nbig numeric(30,10), nfree numeric, b boolean, t text, "v ""quoted"" col" varchar(40),
  j jsonb, u uuid, by bytea, arr integer[], d date, ts timestamp, tz timestamptz, iv interval`;

export function keyLiteral(kt: KeyType, day: string): string {
  return kt === 'date' ? day : kt === 'timestamp' ? `${day} 00:00:00` : `${day} 00:00:00+00`;
}

export async function createWideTable(c: pg.ClientBase, schema: string, table: string, kt: KeyType, partition: string, from: string, to: string): Promise<void> {
  await c.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
  await c.query(`CREATE TABLE ${q(schema)}.${q(table)} (${WIDE_COLUMNS.replace('KEYTYPE', kt)}) PARTITION BY RANGE (k)`);
  await c.query(`CREATE INDEX ON ${q(schema)}.${q(table)} (k)`);
  await c.query(
    `CREATE TABLE ${q(schema)}.${q(partition)} PARTITION OF ${q(schema)}.${q(table)} FOR VALUES FROM (${lit(keyLiteral(kt, from))}) TO (${lit(keyLiteral(kt, to))})`,
  );
  await c.query(`CREATE TABLE ${q(schema)}.${q(table + '_rest')} PARTITION OF ${q(schema)}.${q(table)} DEFAULT`);
}

/** `n` ordinary rows spread over the partition's month, plus edge rows: NULLs, unicode, escapes, extremes. */
export async function fillWide(c: pg.ClientBase, schema: string, table: string, kt: KeyType, from: string, n: number): Promise<void> {
  const t = `${q(schema)}.${q(table)}`;
  await c.query(
    `INSERT INTO ${t} (id, k, i2, i4, f4, f8, n, nbig, nfree, b, t, "v ""quoted"" col", j, u, by, arr, d, ts, tz, iv)
     SELECT g, (${lit(from)}::date + (g % 28))::${kt} + make_interval(secs => (g % 86400)),
            (g % 32000)::smallint, g * 7, (g / 3.0)::real, g / 7.0, (g % 100000) / 100.0, g * 1.0000000001,
            g / 3.0, g % 2 = 0, 'row ' || g, 'v' || g, jsonb_build_object('g', g), md5(g::text)::uuid,
            decode(lpad(to_hex(g), 8, '0'), 'hex'), ARRAY[g, g + 1], DATE '2000-01-01' + g % 1000,
            TIMESTAMP '2000-01-01' + make_interval(secs => g * 1.5), TIMESTAMPTZ '2000-01-01 00:00:00+00' + make_interval(secs => g * 0.000001),
            make_interval(days => g % 40)
       FROM generate_series(1, ${n}) g`,
  );
  await c.query(
    `INSERT INTO ${t} (id, k) VALUES (${n + 1}, ${lit(keyLiteral(kt, from))})`, // every other column NULL
  );
  await c.query(
    `INSERT INTO ${t} (id, k, i2, i4, f4, f8, n, nbig, nfree, b, t, "v ""quoted"" col", j, u, by, arr, d, ts, tz, iv) VALUES
     (${n + 2}, ${lit(keyLiteral(kt, from))}, -32768, -2147483648, 'NaN', '-Infinity', -9999999999.99, -99999999999999999999.9999999999,
      '12345678901234567890.123456789012345678901234567890', false, E'tab\\there\\nnewline \\\\ backslash "quote" ''apos'' ,comma',
      'Ünïcødé ✓ 日本', '{"a": [1, "x\\ty"]}', '00000000-0000-0000-0000-000000000000', '\\x00ff5c0a09', '{NULL,1}',
      '4713-01-01 BC', '-infinity', 'infinity', '-1 year 2 mons 3 days 04:05:06.789'),
     (${n + 3}, ${lit(keyLiteral(kt, from))}, 32767, 2147483647, 3.4e38, 1.7976931348623157e308, 0.01, 0.0000000001,
      '-0.000000000000000000001', true, '', '', 'null', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '\\x', '{}',
      'infinity', '9999-12-31 23:59:59.999999', '1900-01-01 00:00:00.000001+00', '0')`,
  );
}

/** One line per row (ordered by id), every column as text: equal text means equal rows. */
export async function rowsDigest(c: pg.ClientBase, schema: string, name: string): Promise<{ rows: number; md5: string; sums: string }> {
  const r = await c.query<{ n: string; h: string; sums: string }>(
    `SELECT count(*) AS n, md5(string_agg(x::text, E'\\n' ORDER BY x.id)) AS h,
            concat_ws(' ', sum(i4), sum(n), sum(nbig), sum(f8) FILTER (WHERE f8 > '-Infinity'), count(t), count(tz)) AS sums
       FROM ${q(schema)}.${q(name)} x`,
  );
  return { rows: Number(r.rows[0]!.n), md5: r.rows[0]!.h, sums: r.rows[0]!.sums };
}

export function archivePolicy(bucket: string, format: ArchivePolicy['format'], prefix = 'warehouse'): ArchivePolicy {
  return { after: { years: 1 }, afterText: '1 year', bucket, prefix, format, via: 'client', pxfServer: null, beforeDrop: false };
}

export async function session(url: string): Promise<Session> {
  return openSession({ url, origin: 'test' }, 'gppart test');
}

/** A plan with one unload step for `partition`, built by the planner's own unloadStep(). */
export async function unloadPlan(s: Session, table: QualifiedName, partition: string, archive: ArchivePolicy): Promise<Plan> {
  const driver = postgresDriver();
  const actual = (await readTables(s, driver, [table])).get(`${table.schema}.${table.name}`)!;
  const p = actual.partitions.find((x) => x.table.name === partition);
  if (!p || !p.range) throw new Error(`no partition ${partition}`);
  const step = unloadStep(actual, p as typeof p & { range: NonNullable<typeof p.range> }, archive, 'test');
  return {
    formatVersion: 1,
    toolVersion: 'test',
    now: '2030-01-01',
    server: { dialect: 'postgres', version: 'PostgreSQL', database: 'test', identity: 'test' },
    policyHash: '0'.repeat(64),
    tables: [
      {
        table: `${table.schema}.${table.name}`,
        schema: table.schema,
        name: table.name,
        keyColumn: actual.keyColumn,
        keyType: actual.keyType,
        fingerprint: fingerprint(actual),
        steps: [step],
        deferred: 0,
        warnings: [],
        layoutBefore: [],
        layoutAfter: [],
        lock: { mode: 'shared', timeoutMs: 5000 },
      },
    ],
    summary: { split: 0, merge: 0, move: 0, unload: 1, drop: 0 },
  };
}

export async function applyPlan(s: Session, plan: Plan, store: () => ObjectStore): Promise<ApplyResult> {
  const driver = postgresDriver();
  return executePlan({
    session: s,
    driver,
    plan,
    planHash: '0'.repeat(64),
    client: 'test',
    toolVersion: 'test',
    stateDir: mkdtempSync(join(tmpdir(), 'gppart-state-')),
    migrationsDir: SQL_DIR,
    reintrospect: (tables) => readTables(s, driver, tables.map((t) => ({ schema: t.schema, name: t.name }))),
    replan: async () => ({ ...plan, tables: [] }),
    objectStore: store,
  });
}

/** An ObjectStore whose close() does nothing, so one test server's client outlives each apply. */
export function shared(store: ObjectStore): () => ObjectStore {
  return () => ({ ...store, close: () => undefined });
}
