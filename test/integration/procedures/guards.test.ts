// What a data-moving step must refuse, or must not get wrong, beyond counting rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverMajor, type TestDb } from '../../support/db.js';
import { installedDb } from './fixture.js';

describe('merge and split guards', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await installedDb('guards');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('refuses a source whose row-level security would hide rows from the copy (instead of dropping them)', async () => {
    const c = db.client;
    await c.query(`
      CREATE ROLE gppart_rls_owner NOSUPERUSER;
      GRANT USAGE, CREATE ON SCHEMA public TO gppart_rls_owner;
      GRANT USAGE ON SCHEMA gppart TO gppart_rls_owner;
      CREATE TABLE public.rls (k date NOT NULL, tenant text NOT NULL) PARTITION BY RANGE (k);
      CREATE TABLE public.rls_m1 PARTITION OF public.rls FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
      CREATE TABLE public.rls_m2 PARTITION OF public.rls FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
      INSERT INTO public.rls SELECT date '2024-01-01' + (i % 59), CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END FROM generate_series(0, 299) i;
      ALTER TABLE public.rls OWNER TO gppart_rls_owner;
      ALTER TABLE public.rls_m1 OWNER TO gppart_rls_owner;
      ALTER TABLE public.rls_m2 OWNER TO gppart_rls_owner;
      ALTER TABLE public.rls_m1 ENABLE ROW LEVEL SECURITY;
      ALTER TABLE public.rls_m1 FORCE ROW LEVEL SECURITY;
      CREATE POLICY only_a ON public.rls_m1 USING (tenant = 'a');`);
    await c.query('BEGIN');
    await c.query('SET LOCAL ROLE gppart_rls_owner');
    const err = await c
      .query(`SELECT gppart.merge_partitions('public', 'rls', ARRAY['public','public'], ARRAY['rls_m1','rls_m2'], ARRAY['2024-01-01'], ARRAY['2024-03-01'], ARRAY['rls_q1'], ARRAY[NULL]::text[], NULL)`)
      .then(() => null, (e: Error) => e.message);
    await c.query('ROLLBACK');
    expect(err).toMatch(/row-level security/);
    const n = await c.query(`SELECT count(*)::int AS n FROM public.rls`);
    expect(n.rows[0].n).toBe(300);
  });

  it('refuses to move rows out of the DEFAULT of a published table', async () => {
    const c = db.client;
    // PostgreSQL 12 cannot publish a partitioned table, only its partitions: there the DEFAULT
    // itself is published, which the guard refuses just the same.
    const published = serverMajor() >= 13 ? 'public.pubd' : 'public.pubd_default';
    await c.query(`
      CREATE TABLE public.pubd (k date NOT NULL) PARTITION BY RANGE (k);
      CREATE TABLE public.pubd_default PARTITION OF public.pubd DEFAULT;
      INSERT INTO public.pubd SELECT date '2024-01-01' + i FROM generate_series(0, 59) i;
      CREATE PUBLICATION gppart_test_pub FOR TABLE ${published};`);
    try {
      await expect(
        c.query(`SELECT gppart.split_default('public', 'pubd', ARRAY['2024-01-01'], ARRAY['2024-02-01'], ARRAY['pubd_m1'], ARRAY[NULL]::text[], NULL)`),
      ).rejects.toThrow(/is published for logical replication; rewriting its partitions would not replicate/);
      expect((await c.query(`SELECT count(*)::int AS n FROM public.pubd_default`)).rows[0].n).toBe(60);
    } finally {
      await c.query('DROP PUBLICATION gppart_test_pub');
    }
  });

  it('builds the parent\'s indexes on the new partitions before the swap, and ATTACH adopts them', async () => {
    const c = db.client;
    await c.query(`
      CREATE TABLE public.ix (id int NOT NULL, k date NOT NULL, v int, PRIMARY KEY (id, k)) PARTITION BY RANGE (k);
      CREATE INDEX ix_v ON public.ix (v);
      CREATE TABLE public.ix_default PARTITION OF public.ix DEFAULT;
      INSERT INTO public.ix SELECT i, date '2024-01-01' + (i % 90), i % 7 FROM generate_series(1, 900) i;`);
    await c.query(
      `SELECT gppart.split_default('public', 'ix', ARRAY['2024-01-01','2024-02-01'], ARRAY['2024-02-01','2024-03-01'], ARRAY['ix_m1','ix_m2'], ARRAY[NULL,NULL]::text[], NULL)`,
    );
    const idx = await c.query(
      `SELECT parent.relname AS parent_index, count(*)::int AS n
       FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid JOIN pg_class parent ON parent.oid = i.inhparent
       JOIN pg_index x ON x.indexrelid = child.oid
       WHERE parent.relname IN ('ix_pkey', 'ix_v') AND x.indrelid IN ('public.ix_m1'::regclass, 'public.ix_m2'::regclass) AND x.indisvalid
       GROUP BY 1 ORDER BY 1`,
    );
    expect(idx.rows).toEqual([{ parent_index: 'ix_pkey', n: 2 }, { parent_index: 'ix_v', n: 2 }]);
    // No stray index: each new partition has exactly the parent's two.
    const per = await c.query(`SELECT count(*)::int AS n FROM pg_index WHERE indrelid = 'public.ix_m1'::regclass`);
    expect(per.rows[0].n).toBe(2);
    await expect(c.query(`INSERT INTO public.ix VALUES (1, '2024-01-02', 0)`)).rejects.toThrow(/duplicate key/);
  });
});

describe('a NOT VALID CHECK that old rows violate', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await installedDb('guards_notvalid');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('fails the merge with a message that names the constraint, and changes nothing', async () => {
    const c = db.client;
    await c.query(`
      CREATE TABLE public.nv (k date NOT NULL, v int) PARTITION BY RANGE (k);
      CREATE TABLE public.nv_1 PARTITION OF public.nv FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
      CREATE TABLE public.nv_2 PARTITION OF public.nv FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
      INSERT INTO public.nv VALUES ('2024-01-05', -1), ('2024-02-05', 1);
      ALTER TABLE public.nv ADD CONSTRAINT positive CHECK (v > 0) NOT VALID;`);
    await expect(
      c.query(`SELECT gppart.merge_partitions('public', 'nv', ARRAY['public','public'], ARRAY['nv_1','nv_2'], ARRAY['2024-01-01'], ARRAY['2024-03-01'], ARRAY['nv_q1'], ARRAY[NULL]::text[], NULL)`),
    ).rejects.toThrow(/violate CHECK constraint positive .*added NOT VALID/);
    const parts = await c.query(`SELECT inhrelid::regclass::text AS p FROM pg_inherits WHERE inhparent = 'public.nv'::regclass ORDER BY 1`);
    expect(parts.rows.map((r) => r.p)).toEqual(['nv_1', 'nv_2']);
  });
});
