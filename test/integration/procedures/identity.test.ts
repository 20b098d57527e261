// Identity (PostgreSQL 17+) and generated columns survive split and merge unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../support/db.js';
import { installedDb } from './fixture.js';

describe('identity and generated columns', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await installedDb('identity');
    await db.client.query(`
      CREATE TABLE public.ident (
        id bigint GENERATED ALWAYS AS IDENTITY,
        k date NOT NULL,
        v int NOT NULL,
        doubled int GENERATED ALWAYS AS (v * 2) STORED
      ) PARTITION BY RANGE (k);
      CREATE TABLE public.ident_default PARTITION OF public.ident DEFAULT;
      INSERT INTO public.ident (k, v) SELECT date '2024-01-01' + i, i FROM generate_series(0, 364) i;`);
  });
  afterAll(async () => {
    await db.drop();
  });

  const snapshot = async () =>
    (await db.client.query(`SELECT id, k::text, v, doubled FROM public.ident ORDER BY id`)).rows;

  it('split_default and merge_partitions keep identity values and recompute nothing wrongly', async () => {
    const before = await snapshot();
    await db.client.query(
      `SELECT gppart.split_default('public', 'ident', ARRAY['2024-01-01','2024-02-01','2024-03-01'], ARRAY['2024-02-01','2024-03-01','2024-04-01'],
                                   ARRAY['ident_m1','ident_m2','ident_m3'], ARRAY[NULL,NULL,NULL]::text[], NULL)`,
    );
    expect(await snapshot()).toEqual(before);
    await db.client.query(
      `SELECT gppart.merge_partitions('public', 'ident', ARRAY['public','public','public'], ARRAY['ident_m1','ident_m2','ident_m3'],
                                      ARRAY['2024-01-01'], ARRAY['2024-04-01'], ARRAY['ident_q1'], ARRAY[NULL]::text[], NULL)`,
    );
    expect(await snapshot()).toEqual(before);
    // The new partition is analyzed, so the next plan's estimates are right.
    const stats = await db.client.query(`SELECT reltuples::int AS n FROM pg_class WHERE oid = 'public.ident_q1'::regclass`);
    expect(stats.rows[0].n).toBe(91);
    const next = await db.client.query(`INSERT INTO public.ident (k, v) VALUES ('2024-02-02', 7) RETURNING id`);
    expect(Number(next.rows[0].id)).toBe(366);
  });
});
