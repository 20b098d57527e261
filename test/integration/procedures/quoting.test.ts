// Names a DBA may really have (spaces, quotes, upper case, semicolons) must work, and no name can
// smuggle SQL into the functions' dynamic statements.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../support/db.js';
import { call, createTable, createTablespace, errorOf, fillDays, installedDb, partitions, q, totals } from './fixture.js';

const SCHEMA = `Sales "EU"; it's`;
const TABLE = `Orders; DROP TABLE canary; --`;

describe('quoting of every name', () => {
  let db: TestDb;
  let tablespace: string;
  beforeAll(async () => {
    db = await installedDb('quoting');
    tablespace = `Warm "ts" '${db.name}'; x`;
    await db.client.query('CREATE TABLE canary (x int)');
    await createTablespace(db.client, tablespace);
    await createTable(db.client, SCHEMA, TABLE, { defaultName: `Default's "part"` });
    await fillDays(db.client, SCHEMA, TABLE, '2024-01-01', '2024-05-01');
  });
  afterAll(async () => {
    await db?.drop();
  });

  const rel = () => `${q(SCHEMA)}.${q(TABLE)}`;

  it('runs split, merge, move and drop on hostile names', async () => {
    const c = db.client;
    const before = await totals(c, rel());
    const names = [`Jan "1"; DROP TABLE canary`, `Feb 'x'`, `MAR ; --`];
    expect(
      await call(c, 'split_default', [
        SCHEMA, TABLE, ['2024-01-01', '2024-02-01', '2024-03-01'], ['2024-02-01', '2024-03-01', '2024-04-01'], names,
        [tablespace, null, null], null,
      ]),
    ).toBe(31 + 29 + 31);
    expect(
      await call(c, 'merge_partitions', [
        SCHEMA, TABLE, [SCHEMA, SCHEMA], [names[1]!, names[2]!], ['2024-02-01'], ['2024-04-01'], [`Q1'b "x"`], [tablespace], null,
      ]),
    ).toBe(60);
    expect(await call(c, 'move_partition', [SCHEMA, TABLE, SCHEMA, names[0]!, '2024-01-01', '2024-02-01', null])).toBe(31);
    expect(await totals(c, rel())).toEqual(before);
    expect(await call(c, 'drop_partition', [SCHEMA, TABLE, SCHEMA, `Q1'b "x"`, '2024-02-01', '2024-04-01'])).toBe(60);
    const parts = await partitions(c, SCHEMA, TABLE);
    expect(parts.map((p) => p.name)).toEqual([`Default's "part"`, names[0]]);
    expect((await c.query('SELECT count(*)::int AS n FROM canary')).rows[0].n).toBe(0);
  });

  it('reports errors with the quoted table name and treats hostile bounds as data', async () => {
    const c = db.client;
    const err = await errorOf(
      call(c, 'split_default', [SCHEMA, TABLE, [`2024-06-01'); DROP TABLE canary; --`], ['2024-07-01'], ['x'], [null], null]),
    );
    expect(err).toBe(`gppart: ${q(SCHEMA)}.${q(TABLE)}: bound '2024-06-01''); DROP TABLE canary; --' is not a valid date`);
    expect(await errorOf(call(c, 'split_default', [SCHEMA, TABLE, ['2024-06-01'], ['2024-07-01'], ['x'], [null], `fillfactor=1) TABLESPACE pg_global; --`]))).toMatch(
      /bad storage clause/,
    );
    expect((await c.query('SELECT count(*)::int AS n FROM canary')).rows[0].n).toBe(0);
  });
});
