// The PostgreSQL introspection query against a real server: bounds, the DEFAULT, and what each
// partition has of its own (index, trigger, grants, options) that a merge would not carry over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDriver } from '../../src/catalog/postgres.js';
import { createTestDb, type TestDb } from '../support/db.js';

describe('PostgreSQL introspection', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('introspection');
    await db.client.query(`
      CREATE ROLE gppart_intro_reader;
      CREATE TABLE public.t (k date NOT NULL, v int) PARTITION BY RANGE (k);
      CREATE INDEX ON public.t (k);
      GRANT SELECT ON public.t TO PUBLIC;
      CREATE TABLE public.t_plain PARTITION OF public.t FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
      CREATE TABLE public.t_own PARTITION OF public.t FOR VALUES FROM ('2024-02-01') TO ('2024-03-01') WITH (fillfactor = 70);
      CREATE INDEX own_v ON public.t_own (v);
      CREATE FUNCTION public.nop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER own_trg BEFORE INSERT ON public.t_own FOR EACH ROW EXECUTE FUNCTION public.nop();
      GRANT SELECT ON public.t_own TO gppart_intro_reader;
      CREATE TABLE public.t_min PARTITION OF public.t FOR VALUES FROM (MINVALUE) TO ('2024-01-01');
      CREATE TABLE public.t_default PARTITION OF public.t DEFAULT;`);
  });
  afterAll(async () => {
    await db?.drop();
    const admin = await import('pg');
    const c = new admin.default.Client({ connectionString: db.url.replace(/\/[^/]+$/, '/postgres') });
    await c.connect();
    await c.query('DROP ROLE IF EXISTS gppart_intro_reader').catch(() => undefined);
    await c.end();
  });

  it('reads every partition with its bounds, and what a partition has of its own', async () => {
    const result = (await postgresDriver().introspect(db.client, [{ schema: 'public', name: 't' }])).get('public.t')!;
    if (!result.ok) throw result.error;
    const t = result.table;
    expect(t.partitions.map((p) => [p.table.name, p.range])).toEqual([
      ['t_min', { from: -Infinity, to: Date.UTC(2024, 0, 1) }],
      ['t_plain', { from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 1, 1) }],
      ['t_own', { from: Date.UTC(2024, 1, 1), to: Date.UTC(2024, 2, 1) }],
    ]);
    expect(t.defaultPartition?.table.name).toBe('t_default');
    const own = t.partitions.find((p) => p.table.name === 't_own')!;
    expect(own.localObjects).toHaveLength(4);
    expect(own.localObjects![0]).toMatch(/^grants \{.*gppart_intro_reader=r\//);
    expect(own.localObjects!.slice(1)).toEqual(['index own_v', 'options fillfactor=70', 'trigger own_trg']);
    expect(t.partitions.find((p) => p.table.name === 't_plain')!.localObjects).toBeUndefined();
    expect(t.defaultPartition!.localObjects).toBeUndefined();
  });
});
