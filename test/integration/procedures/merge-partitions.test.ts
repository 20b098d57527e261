import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../support/db.js';
import {
  addPartition, call, createTable, createTablespace, errorOf, fillDays, installedDb, partitions, totals, waitersOn,
} from './fixture.js';

describe('gppart.merge_partitions', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await installedDb('merge');
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function monthly(schema: string, table: string): Promise<void> {
    const c = db.client;
    await createTable(c, schema, table);
    await addPartition(c, schema, table, `${table}_01`, '2024-01-01', '2024-02-01');
    await addPartition(c, schema, table, `${table}_02`, '2024-02-01', '2024-03-01');
    await addPartition(c, schema, table, `${table}_03`, '2024-03-01', '2024-04-01');
    await addPartition(c, schema, table, `${table}_04`, '2024-04-01', '2024-05-01');
    await fillDays(c, schema, table, '2023-12-20', '2024-05-01', 2);
  }

  it('merges three months into a quarter on another tablespace, with the parent owner, grants and indexes', async () => {
    const c = db.client;
    await monthly('m1', 'sales');
    await c.query(`CREATE ROLE ${'reader_' + db.name}`);
    await c.query(`GRANT SELECT ON m1.sales TO ${'reader_' + db.name}`);
    const ts = `warm_${db.name}`;
    await createTablespace(c, ts);
    const before = await totals(c, 'm1.sales');
    const q1 = await c.query(`SELECT count(*)::int AS n FROM m1.sales WHERE k >= '2024-01-01' AND k < '2024-04-01'`);

    const moved = await call(c, 'merge_partitions', [
      'm1', 'sales', ['m1', 'm1', 'm1'], ['sales_01', 'sales_02', 'sales_03'],
      ['2024-01-01'], ['2024-04-01'], ['sales_2024q1'], [ts], 'fillfactor=100',
    ]);

    expect(moved).toBe(q1.rows[0].n);
    expect(await totals(c, 'm1.sales')).toEqual(before);
    const parts = await partitions(c, 'm1', 'sales');
    expect(parts.map((p) => [p.name, p.bound, p.tablespace, p.rows])).toEqual([
      ['sales_04', "FOR VALUES FROM ('2024-04-01') TO ('2024-05-01')", null, 60],
      ['sales_2024q1', "FOR VALUES FROM ('2024-01-01') TO ('2024-04-01')", ts, 182],
      ['sales_default', 'DEFAULT', null, 24],
    ]);
    const meta = await c.query(
      `SELECT reloptions, has_table_privilege($1, 'm1.sales_2024q1', 'SELECT') AS can_read,
              (SELECT count(*)::int FROM pg_constraint WHERE conrelid = 'm1.sales_2024q1'::regclass AND conname = 'gppart_attach_bounds') AS leftover,
              (SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'm1' AND tablename = 'sales_2024q1') AS indexes,
              (SELECT count(*)::int FROM pg_class WHERE relname LIKE 'gppart\\_%') AS scratch
         FROM pg_class WHERE oid = 'm1.sales_2024q1'::regclass`,
      ['reader_' + db.name],
    );
    expect(meta.rows[0]).toEqual({ reloptions: ['fillfactor=100'], can_read: true, leftover: 0, indexes: 1, scratch: 0 });
  });

  it('realigns with the DEFAULT as a source, reusing a source name; rows outside go to the DEFAULT', async () => {
    const c = db.client;
    await monthly('m2', 'r');
    await c.query(`INSERT INTO m2.r (k, v) VALUES ('2024-06-10', 7)`);
    const before = await totals(c, 'm2.r');
    // [2024-02-01, 2024-04-01) as one partition named like a source; half of sales_04 and the DEFAULT's June row
    // move to a new [2024-04-15, 2024-07-01); the other half of April leaves for the DEFAULT.
    const moved = await call(c, 'merge_partitions', [
      'm2', 'r', ['m2', 'm2', 'm2', 'm2'], ['r_02', 'r_03', 'r_04', 'r_default'],
      ['2024-02-01', '2024-04-15'], ['2024-04-01', '2024-07-01'], ['r_02', 'r_q2'], [null, null], null,
    ]);
    expect(await totals(c, 'm2.r')).toEqual(before);
    const parts = await partitions(c, 'm2', 'r');
    expect(parts.map((p) => [p.name, p.bound, p.rows])).toEqual([
      ['r_01', "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')", 62],
      ['r_02', "FOR VALUES FROM ('2024-02-01') TO ('2024-04-01')", 120],
      ['r_default', 'DEFAULT', 24 + 28],
      ['r_q2', "FOR VALUES FROM ('2024-04-15') TO ('2024-07-01')", 32 + 1],
    ]);
    expect(moved).toBe(120 + 33 + 28);
  });

  it('splits one coarse partition into months', async () => {
    const c = db.client;
    await createTable(c, 'm3', 'y', { withDefault: false });
    await addPartition(c, 'm3', 'y', 'y_2024', '2024-01-01', '2025-01-01');
    await fillDays(c, 'm3', 'y', '2024-01-01', '2025-01-01');
    const before = await totals(c, 'm3.y');
    const moved = await call(c, 'merge_partitions', [
      'm3', 'y', ['m3'], ['y_2024'], ['2024-01-01', '2024-02-01', '2024-03-01'], ['2024-02-01', '2024-03-01', '2025-01-01'],
      ['y_01', 'y_02', 'y_rest'], [null, null, null], null,
    ]);
    expect(moved).toBe(366);
    expect(await totals(c, 'm3.y')).toEqual(before);
    expect((await partitions(c, 'm3', 'y')).map((p) => p.rows)).toEqual([31, 29, 306]);
  });

  it('checks every precondition before changing anything', async () => {
    const c = db.client;
    await monthly('m4', 'p');
    await createTable(c, 'm4', 'other');
    await addPartition(c, 'm4', 'other', 'other_01', '2024-01-01', '2024-02-01');
    await createTable(c, 'm4', 'nodef', { withDefault: false });
    await addPartition(c, 'm4', 'nodef', 'nodef_01', '2024-01-01', '2024-02-01');
    await fillDays(c, 'm4', 'nodef', '2024-01-01', '2024-02-01');
    const before = await partitions(c, 'm4', 'p');
    const merge = (table: string, sources: string[], starts: string[], ends: string[], names: string[], tss: (string | null)[] = names.map(() => null)) =>
      errorOf(call(c, 'merge_partitions', ['m4', table, sources.map(() => 'm4'), sources, starts, ends, names, tss, null]));

    expect(await merge('p', ['other_01'], ['2024-01-01'], ['2024-02-01'], ['x'])).toBe('gppart: m4.p: m4.other_01 is not a partition of this table');
    expect(await merge('p', ['nope'], ['2024-01-01'], ['2024-02-01'], ['x'])).toBe('gppart: m4.p: partition m4.nope does not exist');
    expect(await merge('p', ['p_01', 'p_02'], ['2024-01-01'], ['2024-03-15'], ['x'])).toBe(
      'gppart: m4.p: new range [2024-01-01, 2024-03-15) overlaps partition m4.p_03, which is not a source',
    );
    expect(await merge('p', ['p_01', 'p_02'], ['2023-12-01'], ['2024-03-01'], ['x'])).toBe(
      "gppart: m4.p: new range [2023-12-01, 2024-03-01) is not inside the sources' ranges",
    );
    expect(await merge('p', ['p_01', 'p_02'], ['2024-01-01'], ['2024-03-01'], ['p_03'])).toBe('gppart: m4.p: name m4.p_03 is taken');
    expect(await merge('p', ['p_01', 'p_01'], ['2024-01-01'], ['2024-02-01'], ['x'])).toBe('gppart: m4.p: source m4.p_01 is given twice');
    expect(await merge('p', ['p_01'], ['2024-01-01'], ['2024-02-01'], ['x'], ['no_ts'])).toBe('gppart: m4.p: tablespace no_ts does not exist');
    expect(await merge('p', ['p_01'], ['2024-01-01', '2024-01-10'], ['2024-01-10'], ['x', 'y'])).toMatch(/^gppart: m4\.p: array lengths differ/);
    expect(await merge('nodef', ['nodef_01'], ['2024-01-01'], ['2024-01-20'], ['x'])).toBe(
      'gppart: m4.nodef: 12 rows of m4.nodef_01 lie outside every new range and the table has no DEFAULT partition',
    );
    expect(await partitions(c, 'm4', 'p')).toEqual(before);
  });

  it('makes a concurrent writer wait and keeps every row it commits', async () => {
    const c = db.client;
    await monthly('m5', 'busy');
    const before = await totals(c, 'm5.busy');
    const writer = await db.connect();
    await c.query('BEGIN');
    await call(c, 'merge_partitions', [
      'm5', 'busy', ['m5', 'm5'], ['busy_01', 'busy_02'], ['2024-01-01'], ['2024-03-01'], ['busy_jf'], [null], null,
    ]);
    const insert = writer.query(`INSERT INTO m5.busy (k, v) VALUES ('2024-01-15', 100), ('2024-02-20', 200), ('2024-09-01', 300)`);
    expect(await waitersOn(c, 'm5.busy')).toBe(1);
    await c.query('COMMIT');
    await insert;
    const after = await totals(c, 'm5.busy');
    expect(after.rows).toBe(before.rows + 3);
    const added = await c.query(
      `SELECT sum(extract(epoch FROM k)::numeric + v)::float8 AS s FROM (VALUES ('2024-01-15'::date, 100), ('2024-02-20', 200), ('2024-09-01', 300)) x(k, v)`,
    );
    expect(after.sum).toBe(before.sum + Number(added.rows[0].s));
    expect((await totals(c, 'm5.busy_jf')).rows).toBe((31 + 29) * 2 + 2);
  });
});
