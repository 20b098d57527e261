import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../support/db.js';
import { addPartition, call, createTable, createTablespace, errorOf, fillDays, installedDb, partitions, totals } from './fixture.js';

describe('gppart.drop_partition and gppart.move_partition', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await installedDb('dropmove');
    const c = db.client;
    await createTable(c, 'd', 't');
    await addPartition(c, 'd', 't', 't_01', '2024-01-01', '2024-02-01');
    await addPartition(c, 'd', 't', 't_02', '2024-02-01', '2024-03-01');
    await addPartition(c, 'd', 't', 't_03', '2024-03-01', '2024-04-01');
    await fillDays(c, 'd', 't', '2023-12-25', '2024-04-01', 2);
    await createTable(c, 'd', 'u');
    await addPartition(c, 'd', 'u', 'u_01', '2024-01-01', '2024-02-01');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('drops a partition whose bounds match and returns the rows it held', async () => {
    const c = db.client;
    const before = await totals(c, 'd.t');
    const jan = await totals(c, 'd.t_01');
    expect(await call(c, 'drop_partition', ['d', 't', 'd', 't_01', '2024-01-01', '2024-02-01'])).toBe(62);
    const after = await totals(c, 'd.t');
    expect(after).toEqual({ rows: before.rows - jan.rows, sum: before.sum - jan.sum });
    expect((await partitions(c, 'd', 't')).map((p) => p.name)).toEqual(['t_02', 't_03', 't_default']);
  });

  it('refuses to drop the wrong thing', async () => {
    const c = db.client;
    const drop = (schema: string, name: string, start: string, end: string) =>
      errorOf(call(c, 'drop_partition', ['d', 't', schema, name, start, end]));
    expect(await drop('d', 't_02', '2024-02-01', '2024-03-02')).toBe(
      'gppart: d.t: partition d.t_02 has bounds [2024-02-01, 2024-03-01), not [2024-02-01, 2024-03-02)',
    );
    expect(await drop('d', 't_default', '2024-02-01', '2024-03-01')).toBe('gppart: d.t: partition d.t_default is the DEFAULT partition');
    expect(await drop('d', 'u_01', '2024-01-01', '2024-02-01')).toBe('gppart: d.t: d.u_01 is not a partition of this table');
    expect(await drop('d', 'gone', '2024-01-01', '2024-02-01')).toBe('gppart: d.t: partition d.gone does not exist');
    expect((await partitions(c, 'd', 't')).map((p) => p.name)).toEqual(['t_02', 't_03', 't_default']);
  });

  it('moves a partition to a tablespace and back, keeping its rows', async () => {
    const c = db.client;
    const ts = `cold_${db.name}`;
    await createTablespace(c, ts);
    const before = await totals(c, 'd.t_02');
    expect(await call(c, 'move_partition', ['d', 't', 'd', 't_02', '2024-02-01', '2024-03-01', ts])).toBe(58);
    expect(await totals(c, 'd.t_02')).toEqual(before);
    const where = await c.query(
      `SELECT t.spcname, pg_relation_filepath('d.t_02') LIKE 'pg_tblspc/%' AS in_tblspc
         FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace WHERE c.oid = 'd.t_02'::regclass`,
    );
    expect(where.rows[0]).toEqual({ spcname: ts, in_tblspc: true });
    expect(await call(c, 'move_partition', ['d', 't', 'd', 't_02', '2024-02-01', '2024-03-01', null])).toBe(58);
    expect((await partitions(c, 'd', 't')).find((p) => p.name === 't_02')!.tablespace).toBe(null);
  });

  it('refuses a move with wrong bounds or a missing tablespace', async () => {
    const c = db.client;
    expect(await errorOf(call(c, 'move_partition', ['d', 't', 'd', 't_03', '2024-03-01', 'MAXVALUE', null]))).toBe(
      'gppart: d.t: partition d.t_03 has bounds [2024-03-01, 2024-04-01), not [2024-03-01, MAXVALUE)',
    );
    expect(await errorOf(call(c, 'move_partition', ['d', 't', 'd', 't_03', '2024-03-01', '2024-04-01', 'nowhere']))).toBe(
      'gppart: d.t: tablespace nowhere does not exist',
    );
  });
});
