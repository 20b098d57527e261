// Archive → objects + manifest → restore → the same rows, against a real PostgreSQL and a real S3
// API (s3rver on loopback): parquet and csv.gz, every key type, every column type, hostile names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { migrate } from '../../../src/catalog/migrations.js';
import { postgresDriver } from '../../../src/catalog/postgres.js';
import { restoreArchives } from '../../../src/workflow/restore.js';
import { listArchives } from '../../../src/catalog/archive.js';
import type { Session } from '../../../src/catalog/connection.js';
import type { KeyType } from '../../../src/plan/model.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { startS3, type TestS3 } from '../../support/s3.js';
import { applyPlan, archivePolicy, createWideTable, fillWide, q, rowsDigest, session, shared, SQL_DIR, unloadPlan } from './fixture.js';

async function readObject(s3: TestS3, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await s3.store.getStream(s3.bucket, key)) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

describe('archive and restore round trip (client path, PostgreSQL, s3rver)', () => {
  let db: TestDb;
  let s3: TestS3;
  let s: Session;
  beforeAll(async () => {
    db = await createTestDb('archive_rt');
    await migrate(db.client, SQL_DIR);
    s3 = await startS3('archive-rt');
    s = await session(db.url);
  });
  afterAll(async () => {
    await s?.client.end();
    await s3?.close();
    await db?.drop();
  });

  const cases: Array<{ kt: KeyType; format: 'parquet' | 'csv.gz'; schema: string; table: string }> = [
    { kt: 'date', format: 'parquet', schema: 'sales', table: 'orders_d' },
    { kt: 'timestamp', format: 'parquet', schema: 'sales', table: 'orders_ts' },
    { kt: 'timestamptz', format: 'parquet', schema: 'sales', table: 'orders_tz' },
    { kt: 'date', format: 'csv.gz', schema: 'sales', table: 'orders_dc' },
    { kt: 'timestamptz', format: 'csv.gz', schema: 'sales', table: 'orders_tzc' },
    { kt: 'timestamp', format: 'parquet', schema: 'Wé ird/schema', table: 'tab"le; drop table x;--/..' },
    { kt: 'date', format: 'csv.gz', schema: 'Wé ird/schema', table: 'ünï cødé 表' },
  ];

  for (const c of cases) {
    it(`${c.format}, ${c.kt} key, ${c.schema}.${c.table}: same rows after restore, manifest and catalog complete`, async () => {
      const part = `${c.table.slice(0, 20)}_p2024_01`;
      await createWideTable(db.client, c.schema, c.table, c.kt, part, '2024-01-01', '2024-02-01');
      await fillWide(db.client, c.schema, c.table, c.kt, '2024-01-01', 3000);
      const before = await rowsDigest(db.client, c.schema, part);
      expect(before.rows).toBe(3003);

      const plan = await unloadPlan(s, { schema: c.schema, name: c.table }, part, archivePolicy(s3.bucket, c.format));
      const step = plan.tables[0]!.steps[0]!;
      const result = await applyPlan(s, plan, shared(s3.store));
      expect(result.outcomes.map((o) => [o.status, o.rows, o.error])).toEqual([['done', 3003, undefined]]);

      // The partition is gone; the rest of the table is untouched.
      const gone = await db.client.query(`SELECT to_regclass($1) AS r`, [`${q(c.schema)}.${q(part)}`]);
      expect(gone.rows[0].r).toBeNull();

      // Objects: exactly the keys the plan named, manifest last with rows as a number.
      const target = step.archive!;
      const manifest = JSON.parse((await readObject(s3, target.manifest!)).toString('utf8'));
      expect(manifest.rows).toBe(3003);
      expect(manifest.table).toEqual({ schema: c.schema, name: c.table });
      expect(manifest.partition.name).toBe(part);
      expect(manifest.format).toBe(c.format);
      expect(manifest.columns.map((x: { name: string }) => x.name)).toContain('v "quoted" col');
      expect(manifest.objects).toHaveLength(1);
      expect(manifest.objects[0].key).toBe(target.objects[0]);
      const data = await readObject(s3, target.objects[0]!);
      expect(manifest.objects[0].bytes).toBe(data.length);
      if (c.format === 'csv.gz') expect(gunzipSync(data).toString('utf8').split('\n')[0]).toContain('"v ""quoted"" col"');
      else expect(data.subarray(0, 4).toString()).toBe('PAR1');

      const archives = await listArchives(db.client, { schema: c.schema, name: c.table });
      expect(archives.map((a) => [a.event, a.rows, a.format, a.partitionName])).toEqual([['archived', 3003, c.format, part]]);
      expect(archives[0]!.location).toBe(`s3://${s3.bucket}/${target.folder}`);

      // Restore: the same rows, value for value.
      const restored = await restoreArchives({ session: s, driver: postgresDriver(), table: { schema: c.schema, name: c.table }, store: s3.store, lockTimeoutMs: 5000 });
      expect(restored.map((r) => r.rows)).toEqual([3003]);
      expect(await rowsDigest(db.client, c.schema, part)).toEqual(before);
      const events = await listArchives(db.client, { schema: c.schema, name: c.table });
      expect(events.map((a) => a.event)).toEqual(['archived', 'restored']);
      // It is a partition again, with the parent's index.
      const attached = await db.client.query(
        `SELECT pg_get_expr(c.relpartbound, c.oid) AS b, (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid) AS idx
           FROM pg_class c WHERE c.oid = $1::regclass`,
        [`${q(c.schema)}.${q(part)}`],
      );
      expect(attached.rows[0].b).toMatch(/^FOR VALUES FROM/);
      expect(Number(attached.rows[0].idx)).toBe(1);
    });
  }

  it('DuckDB, an independent reader, reads the parquet back with the same values and types', async () => {
    await createWideTable(db.client, 'duck', 'facts', 'timestamptz', 'facts_p2024_01', '2024-01-01', '2024-02-01');
    await fillWide(db.client, 'duck', 'facts', 'timestamptz', '2024-01-01', 2000);
    const expected = await db.client.query(
      `SELECT count(*)::int AS n, sum(i4)::text AS i4, sum(n)::text AS n2, sum(nbig)::text AS nbig, count(b)::int AS b,
              sum(CASE WHEN b THEN 1 ELSE 0 END)::int AS bt, min(k)::text AS kmin, max(d) FILTER (WHERE d <> 'infinity')::text AS dmax,
              count(*) FILTER (WHERE t IS NULL)::int AS tnull, max(tz)::text AS tzmax, min(ts) FILTER (WHERE ts > '-infinity')::text AS tsmin
         FROM duck.facts_p2024_01`,
    );
    const plan = await unloadPlan(s, { schema: 'duck', name: 'facts' }, 'facts_p2024_01', archivePolicy(s3.bucket, 'parquet'));
    const res = await applyPlan(s, plan, shared(s3.store));
    expect(res.outcomes[0]!.status).toBe('done');
    const file = join(mkdtempSync(join(tmpdir(), 'gppart-duck-')), 'data.parquet');
    writeFileSync(file, await readObject(s3, plan.tables[0]!.steps[0]!.archive!.objects[0]!));

    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    await duck.run(`SET TimeZone = 'UTC'`);
    const r = await duck.runAndReadAll(
      `SELECT count(*)::INT AS n, sum(i4)::VARCHAR AS i4, sum(n)::VARCHAR AS n2, sum(nbig)::VARCHAR AS nbig, count(b)::INT AS b,
              sum(CASE WHEN b THEN 1 ELSE 0 END)::INT AS bt, strftime(min(k), '%Y-%m-%d %H:%M:%S') AS kmin,
              max(d) FILTER (WHERE d <> 'infinity'::DATE)::VARCHAR AS dmax, count(*) FILTER (WHERE t IS NULL)::INT AS tnull,
              typeof(any_value(k)) AS ktype, typeof(any_value(ts)) AS tstype, typeof(any_value(n)) AS ntype, typeof(any_value(d)) AS dtype,
              typeof(any_value(b)) AS btype, typeof(any_value(i2)) AS i2type
         FROM read_parquet('${file}')`,
    );
    const row = r.getRowObjectsJS()[0]!;
    const e = expected.rows[0];
    expect(row.n).toBe(e.n);
    expect(row.i4).toBe(e.i4);
    expect(Number(row.n2)).toBeCloseTo(Number(e.n2), 2);
    expect(row.n2).toBe(e.n2);
    expect(row.b).toBe(e.b);
    expect(row.bt).toBe(e.bt);
    expect(row.kmin).toBe(e.kmin.replace(/\+00$/, ''));
    expect(row.dmax).toBe(e.dmax);
    expect(row.tnull).toBe(e.tnull);
    expect({ k: row.ktype, ts: row.tstype, n: row.ntype, d: row.dtype, b: row.btype, i2: row.i2type }).toEqual({
      k: 'TIMESTAMP WITH TIME ZONE',
      ts: 'TIMESTAMP',
      n: 'DECIMAL(12,2)',
      d: 'DATE',
      b: 'BOOLEAN',
      i2: 'INTEGER',
    });
    // numeric(30,10) as DECIMAL(30,10): DuckDB sums it exactly.
    expect(row.nbig).toBe(e.nbig);
  });
});
