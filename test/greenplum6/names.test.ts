// Names on a real Greenplum 6: hostile ones (quotes, spaces, semicolons, unicode, mixed case) through
// every step and through `--format sql` in the cluster's psql, and long ones, which Greenplum
// shortens in the child table's name.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  applyConverges,
  createGp6Db,
  createTable,
  describeGp6,
  fillDays,
  planJson,
  psqlScript,
  q,
  shape,
  totals,
  yamlTable,
  type Gp6Db,
} from './support.js';

const NOW = '2025-04-01';
const WARM = process.env.GPPART_TEST_GREENPLUM6_TABLESPACE ?? 'warm';

describeGp6('hostile and long names', () => {
  let db: Gp6Db;

  beforeAll(async () => {
    db = await createGp6Db('names');
    await db.client.query(`CREATE TABLE public.canary (x int) DISTRIBUTED BY (x)`);
    expect((await db.cli(['init'])).code).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const canaryAlive = async () => (await db.client.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'canary'`)).rows[0].n === 1;

  for (const [label, S, T, DEF] of [
    ['quotes, spaces and a semicolon', 'Odd "Schema"; x', 'Orders; DROP TABLE public.canary; --', 'Rest "of" it'],
    ['unicode and mixed case', 'Ünïcødé', 'Bestellungen Größe', 'Übrige'],
  ] as const) {
    it(`${label}: split, merge, realign, move and drop; then a --format sql script through psql`, async () => {
      const c = db.client;
      await createTable(
        c,
        S,
        T,
        'ao_column',
        `PARTITION "Old 2021" START ('2021-01-01') END ('2022-01-01'),
         PARTITION "Q2 ""2024""" START ('2024-04-01') END ('2024-07-01'),
         START ('2024-07-01') END ('2024-10-01') EVERY (INTERVAL '1 month'),
         PARTITION "Oct-mid Nov" START ('2024-10-01') END ('2024-11-15'),
         PARTITION "mid Nov-Dec" START ('2024-11-15') END ('2025-01-01'),
         DEFAULT PARTITION ${q(DEF)}`,
      );
      await c.query(`CREATE INDEX ${q(`${T} idx`)} ON ${q(S)}.${q(T)} (id)`);
      await fillDays(c, S, T, '2021-03-01', '2025-08-01', 2);
      const dropped = await totals(c, S, T, `day < '2022-01-01'`);
      const before = await totals(c, S, T);
      const policy = db.policy(
        `${label.replace(/\W+/g, '_')}.yaml`,
        `version: 1
tables:
  - table: ${yamlTable(S, T)}
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
      - { from: -1 year, to: -3 months, every: 1 quarter, tablespace: ${WARM} }
    retention: { drop_after: 3 years }
`,
      );
      const kinds = (await planJson(db, policy, NOW)).tables[0]!.steps.map((s) => s.kind).sort();
      expect(kinds).toEqual(['drop', 'merge', 'merge', 'move', 'split']);
      await applyConverges(db, policy, NOW);
      const after = await totals(c, S, T);
      expect(after.rows).toBe(before.rows - dropped.rows);
      expect(BigInt(after.rowHash)).toBe(BigInt(before.rowHash) - BigInt(dropped.rowHash));
      const parts = await shape(c, S, T);
      expect(parts.at(-1)).toMatchObject({ name: DEF, range: 'DEFAULT', storage: 'c zstd:1 column' });
      expect(parts.find((p) => p.name === 'Q2 "2024"')).toMatchObject({ tablespace: WARM });
      expect(await canaryAlive()).toBe(true);

      // The same table a quarter later, by a psql script instead of apply.
      const later = '2025-07-01';
      const sql = await db.cli(['plan', '-c', policy, '--now', later, '--format', 'sql']);
      expect(sql.code).toBe(0);
      expect(sql.stdout).toMatch(/merge_partitions|split_default/);
      const run = psqlScript(db, sql.stdout);
      expect(run.output).not.toMatch(/ERROR/);
      expect(run.code).toBe(0);
      expect((await db.cli(['plan', '-c', policy, '--now', later, '--detailed-exitcode'])).code).toBe(0);
      expect(await totals(c, S, T)).toEqual(after);
      expect(await canaryAlive()).toBe(true);
    });
  }

  it('a table named longer than 23 bytes is split and merged (Greenplum shortens the child table names)', async () => {
    const S = 'long_names';
    const T = 'orders_with_a_rather_long_table_name_x40';
    expect(Buffer.byteLength(T)).toBe(40);
    await createTable(
      db.client,
      S,
      T,
      'heap',
      `START ('2024-10-01') END ('2025-01-01') EVERY (INTERVAL '1 month'), DEFAULT PARTITION other`,
    );
    await fillDays(db.client, S, T, '2024-10-01', '2025-07-01', 2);
    const before = await totals(db.client, S, T);
    const policy = db.policy(
      'long.yaml',
      `version: 1\ntables:\n  - table: ${S}.${T}\n    layout:\n      - { from: -3 months, to: +3 months, every: 1 month }\n      - { from: -6 months, to: -3 months, every: 1 quarter }\n`,
    );
    expect((await planJson(db, policy, NOW)).tables[0]!.steps.map((s) => s.kind).sort()).toEqual(['merge', 'split']);
    await applyConverges(db, policy, NOW);
    expect(await totals(db.client, S, T)).toEqual(before);
    const children = (await shape(db.client, S, T)).map((p) => p.child);
    expect(children.every((n) => Buffer.byteLength(n) <= 63)).toBe(true);
    expect(children.filter((n) => n.includes('_1_prt_')).length).toBe(children.length);
  });

  it('split_default refuses a partition name Greenplum 6 cannot form a child name from, changing nothing', async () => {
    const S = 'long_names';
    await createTable(db.client, S, 'short', 'heap', `PARTITION a START ('2024-01-01') END ('2024-02-01'), DEFAULT PARTITION other`);
    const before = await shape(db.client, S, 'short');
    const name = 'p'.repeat(57);
    await expect(
      db.client.query(`SELECT gppart.split_default($1, $2, ARRAY['2024-02-01'], ARRAY['2024-03-01'], ARRAY[$3], ARRAY[NULL]::text[], NULL)`, [S, 'short', name]),
    ).rejects.toThrow(`gppart: long_names.short: partition name ${name} is 57 bytes; Greenplum 6 cannot form a child table name from a partition name longer than 56 bytes`);
    expect(await shape(db.client, S, 'short')).toEqual(before);
  });
});
