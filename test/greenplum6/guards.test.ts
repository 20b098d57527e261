// The preconditions of split_default and merge_partitions on a real Greenplum 6: each refusal is one
// message naming what is wrong, and nothing changes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGp6Db, createTable, describeGp6, shape, type Gp6Db, type PartitionShape } from './support.js';

describeGp6('preconditions of split_default and merge_partitions', () => {
  let db: Gp6Db;
  let before: PartitionShape[];

  beforeAll(async () => {
    db = await createGp6Db('guards');
    expect((await db.cli(['init'])).code).toBe(0);
    // An inclusive END on a date key: the partition covers [2024-03-01, 2024-04-01) once normalised.
    await createTable(
      db.client,
      'g',
      't',
      'heap',
      `PARTITION jan START ('2024-01-01') END ('2024-02-01'),
       PARTITION mar START ('2024-03-01') INCLUSIVE END ('2024-03-31') INCLUSIVE,
       DEFAULT PARTITION other`,
    );
    await db.client.query(
      `CREATE TABLE g.ts (id bigint, at timestamp NOT NULL) DISTRIBUTED BY (id)
       PARTITION BY RANGE (at) (PARTITION a START ('2024-01-01 00:00') EXCLUSIVE END ('2024-02-01 00:00'), DEFAULT PARTITION other)`,
    );
    before = await shape(db.client, 'g', 't');
  });
  afterAll(async () => {
    await db?.drop();
  });

  const split = (starts: string[], ends: string[], names: string[], tablespaces: Array<string | null> = starts.map(() => null)) =>
    db.client.query(`SELECT gppart.split_default('g', 't', $1::text[], $2::text[], $3::text[], $4::text[], NULL)`, [starts, ends, names, tablespaces]);

  it.each([
    ['an empty range', ['2024-05-01'], ['2024-05-01'], ['p'], 'gppart: g.t: empty range [2024-05-01, 2024-05-01)'],
    ['overlapping new ranges', ['2024-05-01', '2024-05-15'], ['2024-06-01', '2024-07-01'], ['p', 'q'], 'gppart: g.t: new ranges [2024-05-01, 2024-06-01) and [2024-05-15, 2024-07-01) overlap'],
    ['a range over a partition', ['2024-01-15'], ['2024-02-15'], ['p'], /^gppart: g\.t: new range \[2024-01-15, 2024-02-15\) overlaps partition g\.t_1_prt_jan \[2024-01-01, 2024-02-01\)$/],
    ['a range over the normalised end of an INCLUSIVE END', ['2024-03-31'], ['2024-04-15'], ['p'], /overlaps partition g\.t_1_prt_mar \[2024-03-01, 2024-04-01\)/],
    ['a taken name', ['2024-05-01'], ['2024-06-01'], ['jan'], 'gppart: g.t: partition name jan is already taken'],
    ['a name given twice', ['2024-05-01', '2024-06-01'], ['2024-06-01', '2024-07-01'], ['p', 'p'], 'gppart: g.t: partition name p given twice'],
    ['a bound that is not a date', ['2024-13-01'], ['2024-14-01'], ['p'], /date\/time field value out of range|invalid/],
  ] as const)('refuses %s', async (_label, starts, ends, names, message) => {
    await expect(split([...starts], [...ends], [...names])).rejects.toThrow(message);
    expect(await shape(db.client, 'g', 't')).toEqual(before);
  });

  it('refuses a missing tablespace', async () => {
    await expect(split(['2024-05-01'], ['2024-06-01'], ['p'], ['no such space'])).rejects.toThrow('gppart: g.t: tablespace no such space does not exist');
  });

  it('refuses an EXCLUSIVE START on a timestamp key, which has no next value to normalise to', async () => {
    await expect(
      db.client.query(`SELECT gppart.split_default('g', 'ts', ARRAY['2024-03-01 00:00:00'], ARRAY['2024-04-01 00:00:00'], ARRAY['p'], ARRAY[NULL]::text[], NULL)`),
    ).rejects.toThrow('gppart: partition g.ts_1_prt_a has an EXCLUSIVE START or INCLUSIVE END on a timestamp without time zone key');
  });

  it('accepts a range that only touches the normalised bounds, and makes it', async () => {
    await db.client.query('BEGIN');
    try {
      await split(['2024-02-01', '2024-04-01'], ['2024-03-01', '2024-05-01'], ['feb', 'apr']);
      expect((await shape(db.client, 'g', 't')).map((p) => p.name)).toEqual(['jan', 'feb', 'mar', 'apr', 'other']);
    } finally {
      await db.client.query('ROLLBACK');
    }
  });
});
