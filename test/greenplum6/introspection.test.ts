// What the Greenplum 6 driver reads from a real cluster: storage options of the parent and of each
// partition, and clear refusals for names that are not a managed table, also next to ones that are.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { greenplum6Driver } from '../../src/catalog/greenplum6.js';
import { createGp6Db, createTable, describeGp6, fillDays, type Gp6Db } from './support.js';

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
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("reports the parent's and each partition's storage options", async () => {
    const res = (await greenplum6Driver().introspect(client, [{ schema: 'i', name: 'events' }])).get('i.events');
    expect(res?.ok).toBe(true);
    if (!res?.ok) return;
    expect(res.table.options).toBe(AO);
    expect(res.table.partitions.map((p) => [p.rank, p.storage, p.options ?? null])).toEqual([
      [1, 'ao_column', AO],
      [2, 'ao_column', AO],
      [3, 'heap', null],
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
});
