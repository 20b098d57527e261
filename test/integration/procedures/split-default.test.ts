import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { TestDb } from '../../support/db.js';
import {
  addPartition, call, waitersOn, createTable, createTablespace, errorOf, fillDays, installedDb, partitions, totals,
} from './fixture.js';

function months(year: number, count: number): { starts: string[]; ends: string[]; names: string[] } {
  const starts: string[] = [], ends: string[] = [], names: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = new Date(Date.UTC(year, i, 1)), b = new Date(Date.UTC(year, i + 1, 1));
    starts.push(a.toISOString().slice(0, 10));
    ends.push(b.toISOString().slice(0, 10));
    names.push(`m_${a.toISOString().slice(0, 7).replace('-', '_')}`);
  }
  return { starts, ends, names };
}

/** Rows written into the new partitions (m_*) and into / deleted from the DEFAULT, by the server's own counters. */
async function writes(c: pg.ClientBase, schema: string, expected: number) {
  // The cumulative statistics are flushed asynchronously; wait for them.
  let s = { inserted: -1, insertedIntoDefault: -1, deletedFromDefault: -1 };
  for (let i = 0; i < 50; i++) {
    await c.query('SELECT pg_stat_clear_snapshot()');
    const r = await c.query(
      `SELECT coalesce(sum(n_tup_ins) FILTER (WHERE relname LIKE 'm\\_%'), 0)::int AS inserted,
              coalesce(sum(n_tup_ins) FILTER (WHERE relname = 'events_default'), 0)::int AS "insertedIntoDefault",
              coalesce(sum(n_tup_del) FILTER (WHERE relname = 'events_default'), 0)::int AS "deletedFromDefault"
         FROM pg_stat_user_tables WHERE schemaname = $1`,
      [schema],
    );
    s = r.rows[0];
    if (s.inserted + s.insertedIntoDefault >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return s;
}

describe('gppart.split_default', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await installedDb('split');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('moves the rows of new ranges out of the DEFAULT, into the right tablespace, keeping every row', async () => {
    const c = db.client;
    await createTable(c, 's1', 'orders');
    await fillDays(c, 's1', 'orders', '2023-11-01', '2024-04-01', 3);
    const ts = `hot_${db.name}`;
    await createTablespace(c, ts);
    const before = await totals(c, 's1.orders');

    const moved = await call(c, 'split_default', [
      's1', 'orders', ['2024-01-01', '2024-02-01'], ['2024-02-01', '2024-03-01'], ['orders_2024_01', 'orders_2024_02'],
      [ts, null], 'fillfactor=90',
    ]);

    expect(moved).toBe((31 + 29) * 3);
    expect(await totals(c, 's1.orders')).toEqual(before);
    const jan = await totals(c, 's1.orders_2024_01');
    const expectedJan = await c.query(`SELECT count(*)::int AS n FROM s1.orders WHERE k >= '2024-01-01' AND k < '2024-02-01'`);
    expect(jan.rows).toBe(expectedJan.rows[0].n);
    expect((await totals(c, 's1.orders_default')).rows).toBe(before.rows - moved);
    const parts = await partitions(c, 's1', 'orders');
    expect(parts).toEqual([
      { name: 'orders_2024_01', bound: "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')", tablespace: ts, rows: 93 },
      { name: 'orders_2024_02', bound: "FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')", tablespace: null, rows: 87 },
      { name: 'orders_default', bound: 'DEFAULT', tablespace: null, rows: before.rows - moved },
    ]);
    const opts = await c.query(`SELECT reloptions FROM pg_class WHERE oid = 's1.orders_2024_01'::regclass`);
    expect(opts.rows[0].reloptions).toEqual(['fillfactor=90']);
    // PARTITION OF gave the new partitions the parent's index.
    const idx = await c.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 's1' AND tablename = 'orders_2024_02'`);
    expect(idx.rows[0].n).toBe(1);
  });

  it('splits 24 months out of the DEFAULT in one call, writing each row exactly once', async () => {
    const c = db.client;
    await createTable(c, 's2', 'events');
    await fillDays(c, 's2', 'events', '2022-01-01', '2024-01-01', 2);
    await fillDays(c, 's2', 'events', '2025-01-01', '2025-01-11', 1); // stays in the DEFAULT
    const before = await totals(c, 's2.events');
    const a = months(2022, 24);

    const moved = await call(c, 'split_default', ['s2', 'events', a.starts, a.ends, a.names, a.names.map(() => null), null]);

    expect(moved).toBe(730 * 2);
    expect(await totals(c, 's2.events')).toEqual(before);
    const parts = await partitions(c, 's2', 'events');
    expect(parts).toHaveLength(25);
    expect(parts.find((p) => p.name === 'events_default')!.rows).toBe(10);
    expect(parts.find((p) => p.name === 'm_2022_02')!.rows).toBe(28 * 2);
    expect(parts.find((p) => p.name === 'm_2023_12')!.bound).toBe("FOR VALUES FROM ('2023-12-01') TO ('2024-01-01')");

    // Most of the DEFAULT left, so it was rewritten: every row was written once, the moved ones
    // into their new partitions and the 10 that stay into the fresh DEFAULT; none was deleted.
    const { inserted, insertedIntoDefault, deletedFromDefault } = await writes(c, 's2', moved + 10);
    expect(inserted).toBe(moved);
    expect(insertedIntoDefault).toBe(10);
    expect(deletedFromDefault).toBe(0);
  });

  it('splits a few months out of a DEFAULT that keeps most of its rows, deleting each moved row exactly once', async () => {
    const c = db.client;
    await createTable(c, 's7', 'events');
    await fillDays(c, 's7', 'events', '2022-01-01', '2024-01-01', 2);
    const before = await totals(c, 's7.events');
    const a = months(2022, 2);

    const moved = await call(c, 'split_default', ['s7', 'events', a.starts, a.ends, a.names, a.names.map(() => null), null]);

    expect(moved).toBe(59 * 2);
    expect(await totals(c, 's7.events')).toEqual(before);
    const { inserted, deletedFromDefault } = await writes(c, 's7', moved);
    expect(inserted).toBe(moved);
    expect(deletedFromDefault).toBe(moved);
  });

  it('only creates partitions when there is no DEFAULT', async () => {
    const c = db.client;
    await createTable(c, 's3', 'plain', { withDefault: false });
    const moved = await call(c, 'split_default', ['s3', 'plain', ['2024-01-01'], ['2024-02-01'], ['p1'], [null], '']);
    expect(moved).toBe(0);
    expect((await partitions(c, 's3', 'plain')).map((p) => p.name)).toEqual(['p1']);
  });

  it('works for timestamp and timestamptz keys', async () => {
    const c = db.client;
    await createTable(c, 's4', 'ts', { keyType: 'timestamp' });
    await fillDays(c, 's4', 'ts', '2024-01-01', '2024-03-01');
    expect(await call(c, 'split_default', ['s4', 'ts', ['2024-01-01 00:00:00'], ['2024-02-01 00:00:00'], ['ts_1'], [null], null])).toBe(31);
    await createTable(c, 's4', 'tstz', { keyType: 'timestamptz' });
    await c.query(`INSERT INTO s4.tstz (k) VALUES ('2024-01-31 23:30:00+00'), ('2024-02-01 00:30:00+00'), ('2024-01-31 23:30:00-02')`);
    expect(await call(c, 'split_default', ['s4', 'tstz', ['2024-01-01 00:00:00+00'], ['2024-02-01 00:00:00+00'], ['tstz_1'], [null], null])).toBe(1);
    expect((await totals(c, 's4.tstz_default')).rows).toBe(2);
  });

  it('checks every precondition before changing anything', async () => {
    const c = db.client;
    await createTable(c, 's5', 'pre');
    await addPartition(c, 's5', 'pre', 'pre_2024_03', '2024-03-01', '2024-04-01');
    await fillDays(c, 's5', 'pre', '2024-01-01', '2024-05-01');
    await c.query('CREATE TABLE s5.notpart (k date)');
    await c.query('CREATE TABLE s5.listpart (k date) PARTITION BY LIST (k)');
    await c.query('CREATE TABLE s5.intpart (k int) PARTITION BY RANGE (k)');
    const before = await partitions(c, 's5', 'pre');
    const split = (table: string, starts: string[], ends: string[], names: string[], tss: (string | null)[], storage: string | null = null) =>
      errorOf(call(c, 'split_default', ['s5', table, starts, ends, names, tss, storage]));

    expect(await split('nope', ['2024-01-01'], ['2024-02-01'], ['x'], [null])).toBe('gppart: s5.nope: table does not exist');
    expect(await split('notpart', ['2024-01-01'], ['2024-02-01'], ['x'], [null])).toBe('gppart: s5.notpart: table is not partitioned');
    expect(await split('listpart', ['2024-01-01'], ['2024-02-01'], ['x'], [null])).toBe('gppart: s5.listpart: table is not range-partitioned');
    expect(await split('intpart', ['1'], ['2'], ['x'], [null])).toMatch(/^gppart: s5\.intpart: partition key k has type integer/);
    expect(await split('pre', ['2024-01-01', '2024-02-01'], ['2024-02-01'], ['x', 'y'], [null, null])).toBe(
      'gppart: s5.pre: array lengths differ: 2 starts, 1 ends, 2 names, 2 tablespaces',
    );
    expect(await split('pre', ['2024-02-01'], ['2024-02-01'], ['x'], [null])).toBe('gppart: s5.pre: range [2024-02-01, 2024-02-01) of x is empty');
    expect(await split('pre', ['2024-01-01', '2024-01-15'], ['2024-02-01', '2024-02-15'], ['x', 'y'], [null, null])).toBe(
      'gppart: s5.pre: new ranges [2024-01-01, 2024-02-01) and [2024-01-15, 2024-02-15) overlap',
    );
    expect(await split('pre', ['2024-02-15'], ['2024-03-15'], ['x'], [null])).toBe(
      'gppart: s5.pre: new range [2024-02-15, 2024-03-15) overlaps partition s5.pre_2024_03',
    );
    expect(await split('pre', ['2024-01-01'], ['2024-02-01'], ['pre_2024_03'], [null])).toBe('gppart: s5.pre: name s5.pre_2024_03 is taken');
    expect(await split('pre', ['2024-01-01'], ['2024-02-01'], ['x'], ['no_such_ts'])).toBe('gppart: s5.pre: tablespace no_such_ts does not exist');
    expect(await split('pre', ['2024-01-01'], ['2024-02-01'], ['x'], [null], 'fillfactor=90; DROP TABLE s5.pre')).toMatch(
      /^gppart: s5\.pre: bad storage clause /,
    );
    expect(await split('pre', ['2024-13-01'], ['2024-02-01'], ['x'], [null])).toBe("gppart: s5.pre: bound '2024-13-01' is not a valid date");
    expect(await partitions(c, 's5', 'pre')).toEqual(before);
  });

  it('makes a concurrent writer wait and keeps every row it commits', async () => {
    const c = db.client;
    await createTable(c, 's6', 'busy');
    await fillDays(c, 's6', 'busy', '2024-01-01', '2024-04-01', 5);
    const before = await totals(c, 's6.busy');
    const writer = await db.connect();
    await c.query('BEGIN');
    const moved = await call(c, 'split_default', ['s6', 'busy', ['2024-01-01', '2024-02-01'], ['2024-02-01', '2024-03-01'], ['b1', 'b2'], [null, null], null]);
    // Rows for a new partition, for the DEFAULT, and for a range being split off.
    const insert = writer.query(
      `INSERT INTO s6.busy (k, v) VALUES ('2024-01-15', 100), ('2024-03-15', 200), ('2024-02-28', 300)`,
    );
    expect(await waitersOn(c, 's6.busy')).toBe(1);
    await c.query('COMMIT');
    await insert;
    expect(moved).toBe((31 + 29) * 5);
    const after = await totals(c, 's6.busy');
    expect(after.rows).toBe(before.rows + 3);
    const added = await c.query(`SELECT sum(extract(epoch FROM k)::numeric + v)::float8 AS s FROM (VALUES ('2024-01-15'::date, 100), ('2024-03-15', 200), ('2024-02-28', 300)) x(k, v)`);
    expect(after.sum).toBe(before.sum + Number(added.rows[0].s));
    expect((await totals(c, 's6.b1')).rows).toBe(31 * 5 + 1);
    expect((await totals(c, 's6.b2')).rows).toBe(29 * 5 + 1);
  });
});
