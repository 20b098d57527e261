// gppart.purge_default (default_partition expired_rows: purge) and gppart.detach_partition
// (retention mode detach) on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../support/db.js';
import { addPartition, call, createTable, errorOf, fillDays, installedDb, partitions, totals } from './fixture.js';

describe('gppart.purge_default and gppart.detach_partition', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await installedDb('purgedetach');
    const c = db.client;
    await createTable(c, 'p', 't');
    await addPartition(c, 'p', 't', 't_2023', '2023-01-01', '2024-01-01');
    await addPartition(c, 'p', 't', 't_2024', '2024-01-01', '2025-01-01');
    await fillDays(c, 'p', 't', '2021-01-01', '2025-03-01', 2); // 2021, 2022 and 2025 land in the DEFAULT
    await c.query('CREATE SCHEMA old');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('deletes exactly the DEFAULT rows before the bound, and returns how many', async () => {
    const c = db.client;
    const before = await totals(c, 'p.t');
    const expired = await totals(c, `(SELECT * FROM p.t_default WHERE k < '2022-01-01') x`);
    expect(expired.rows).toBe(730);
    expect(await call(c, 'purge_default', ['p', 't', 'p', 't_default', '2022-01-01'])).toBe(730);
    expect(await totals(c, 'p.t')).toEqual({ rows: before.rows - expired.rows, sum: before.sum - expired.sum });
    expect(Number((await c.query(`SELECT count(*) AS n FROM p.t WHERE k < '2022-01-01'`)).rows[0].n)).toBe(0);
    // Nothing left to purge: a second call deletes nothing.
    expect(await call(c, 'purge_default', ['p', 't', 'p', 't_default', '2022-01-01'])).toBe(0);
  });

  it('refuses what is not the DEFAULT, and bounds that are not finite values', async () => {
    const c = db.client;
    const purge = (name: string, before: string | null) => errorOf(call(c, 'purge_default', ['p', 't', 'p', name, before]));
    expect(await purge('t_2023', '2022-01-01')).toBe('gppart: p.t: p.t_2023 is not the DEFAULT partition');
    expect(await purge('nope', '2022-01-01')).toBe('gppart: p.t: partition p.nope does not exist');
    expect(await purge('t_default', 'MAXVALUE')).toBe('gppart: p.t: purge needs a finite bound: rows before it are deleted');
    expect(await purge('t_default', '2022-13-01')).toBe("gppart: p.t: bound '2022-13-01' is not a valid date");
  });

  it('detaches a partition with exactly the stated bounds, keeping its rows as a table, optionally in another schema', async () => {
    const c = db.client;
    const before = await totals(c, 'p.t_2023');
    expect(await call(c, 'detach_partition', ['p', 't', 'p', 't_2023', '2023-01-01', '2024-01-01', 'old'])).toBe(730);
    expect(await totals(c, 'old.t_2023')).toEqual(before);
    expect((await partitions(c, 'p', 't')).map((p) => p.name)).toEqual(['t_2024', 't_default']);
    const kind = await c.query(`SELECT relkind::text, relispartition FROM pg_class WHERE oid = 'old.t_2023'::regclass`);
    expect(kind.rows[0]).toEqual({ relkind: 'r', relispartition: false });
    expect(await call(c, 'detach_partition', ['p', 't', 'p', 't_2024', '2024-01-01', '2025-01-01', null])).toBe(732);
    expect((await totals(c, 'p.t_2024')).rows).toBe(732);
  });

  it('refuses the wrong bounds, the DEFAULT, and a target name that is taken', async () => {
    const c = db.client;
    await addPartition(c, 'p', 't', 't_2020', '2020-01-01', '2021-01-01');
    await c.query('CREATE TABLE old.t_2020 (x int)');
    const detach = (name: string, from: string, to: string, target: string | null) =>
      errorOf(call(c, 'detach_partition', ['p', 't', 'p', name, from, to, target]));
    expect(await detach('t_2020', '2020-01-01', '2020-06-01', null)).toBe('gppart: p.t: partition p.t_2020 has bounds [2020-01-01, 2021-01-01), not [2020-01-01, 2020-06-01)');
    expect(await detach('t_default', '2020-01-01', '2021-01-01', null)).toBe('gppart: p.t: partition p.t_default is the DEFAULT partition');
    expect(await detach('t_2020', '2020-01-01', '2021-01-01', 'old')).toBe('gppart: p.t: name old.t_2020 is taken');
    expect(await detach('t_2020', '2020-01-01', '2021-01-01', 'nowhere')).toBe('gppart: p.t: schema nowhere does not exist');
    expect((await partitions(c, 'p', 't')).map((p) => p.name)).toEqual(['t_2020', 't_default']);
  });
});
