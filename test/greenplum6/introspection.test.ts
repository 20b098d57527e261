// What the Greenplum 6 driver reads from a real cluster: storage options of the parent and of each
// partition, and clear refusals for names that are not a managed table, also next to ones that are.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { greenplum6Driver } from '../../src/catalog/greenplum6.js';
import { applyConverges, createGp6Db, createTable, describeGp6, fillDays, planJson, shape, totals, type Gp6Db } from './support.js';

const AO = 'appendonly=true, compresslevel=1, compresstype=zstd, orientation=column';

describeGp6('introspection', () => {
  let db: Gp6Db;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createGp6Db('introspection');
    const c = db.client;
    await createTable(c, 'i', 'events', 'ao_column', `START ('2024-01-01') END ('2024-04-01') EVERY (INTERVAL '1 month'), DEFAULT PARTITION other`);
    // A partition a DBA rewrote by hand as heap: its storage differs from the parent's.
    await c.query(`CREATE TABLE i.heap_march (LIKE i.events) DISTRIBUTED BY (id)`);
    await c.query(`ALTER TABLE i.events EXCHANGE PARTITION FOR (date '2024-03-01') WITH TABLE i.heap_march`);
    await fillDays(c, 'i', 'events', '2024-01-01', '2024-12-31', 10);
    await c.query(`ANALYZE i.events`);
    client = await db.connect();
    expect((await db.cli(['init'])).code).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("reports the parent's and each partition's storage options", async () => {
    const res = (await greenplum6Driver().introspect(client, [{ schema: 'i', name: 'events' }])).get('i.events');
    expect(res?.ok).toBe(true);
    if (!res?.ok) return;
    expect(res.table.options).toBe(AO);
    expect(res.table.partitions.map((p) => [p.rank, p.storage, p.options])).toEqual([
      [1, 'ao_column', AO],
      [2, 'ao_column', AO],
      [3, 'heap', ''],
    ]);
    expect(res.table.defaultPartition).toMatchObject({ storage: 'ao_column', options: AO, partitionName: 'other' });
  });

  it('names a child partition, a plain table and a missing table for what they are, in one request with a managed table', async () => {
    await db.client.query(`CREATE TABLE i.plain (id int) DISTRIBUTED BY (id)`);
    const res = await greenplum6Driver().introspect(client, [
      { schema: 'i', name: 'events' },
      { schema: 'i', name: 'events_1_prt_2' },
      { schema: 'i', name: 'plain' },
      { schema: 'i', name: 'nope' },
    ]);
    expect(res.get('i.events')?.ok).toBe(true);
    const why = (k: string) => {
      const r = res.get(k);
      return r && !r.ok ? r.error.message : null;
    };
    expect(why('i.events_1_prt_2')).toBe('i.events_1_prt_2: is a partition of events; name the partitioned table instead');
    expect(why('i.plain')).toBe('i.plain: table is not partitioned');
    expect(why('i.nope')).toBe('i.nope: table not found');
  });
  it('shows a partition unlike the parent as a warning when the policy names no storage', async () => {
    const policy = db.policy('drift.yaml', `version: 1\ntables:\n  - table: i.events\n    layout:\n      - { from: -3 months, to: 0 days, every: 1 month }\n`);
    const plan = await planJson(db, policy, '2024-04-01');
    expect(plan.tables[0]!.steps).toEqual([]);
    expect(plan.tables[0]!.warnings).toEqual([
      `1 partition(s) have other storage options than the parent's (${AO}), which the policy asks for by naming no storage: events_1_prt_4 (heap); gppart leaves them as they are unless the policy names the storage they should have`,
    ]);
  });

  it('rewrites a partition to the storage the policy names, and the next plan is empty', async () => {
    const policy = db.policy(
      'storage.yaml',
      `version: 1\ntables:\n  - table: i.events\n    storage: appendonly=true, orientation=column, compresstype=zstd, compresslevel=1\n    layout:\n      - { from: -3 months, to: 0 days, every: 1 month }\n`,
    );
    const plan = await planJson(db, policy, '2024-04-01');
    expect(plan.tables[0]!.steps.map((s) => [s.kind, s.reads.map((r) => r.name)])).toEqual([['merge', ['events_1_prt_4']]]);
    const rows = await totals(db.client, 'i', 'events');
    await applyConverges(db, policy, '2024-04-01');
    expect(await totals(db.client, 'i', 'events')).toEqual(rows);
    expect((await shape(db.client, 'i', 'events')).map((p) => p.storage)).toEqual(Array(4).fill('c zstd:1 column'));
  });
});
