// Every step kind through the built CLI on a real Greenplum 6, on heap, AO row (zlib) and AO column
// (zstd) tables that have an index, an owner and grants, named and EVERY-made partitions, with and
// without a DEFAULT: rows are checked by count, sum and row hash; each partition's storage,
// distribution, tablespace, owner, grants and indexes after the apply against the parent's; the
// re-plan must be empty and the new partitions must have statistics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyConverges,
  createGp6Db,
  createTable,
  describeGp6,
  fillDays,
  parentShape,
  planJson,
  q,
  shape,
  totals,
  type Gp6Db,
  type PartitionShape,
  type PlanDoc,
  type Storage,
} from './support.js';

const NOW = '2025-04-01';
const WARM = process.env.GPPART_TEST_GREENPLUM6_TABLESPACE ?? 'warm';

/** Partitions the policy's quarterly band keeps in WARM. */
const WARM_RANGES = new Set(["'2023-04-01'::date", "'2023-07-01'::date", "'2023-10-01'::date", "'2024-01-01'::date", "'2024-04-01'::date", "'2024-07-01'::date", "'2024-10-01'::date"]);

function rangeStart(p: PartitionShape): string {
  return p.range.split(' .. ')[0]!;
}

describeGp6('every step kind on heap, AO row and AO column tables', () => {
  let db: Gp6Db;
  let owner: string;
  let reader: string;

  beforeAll(async () => {
    db = await createGp6Db('steps');
    const ts = await db.client.query(`SELECT 1 FROM pg_tablespace WHERE spcname = $1`, [WARM]);
    if (ts.rowCount === 0) throw new Error(`the cluster needs a tablespace ${WARM} (or set GPPART_TEST_GREENPLUM6_TABLESPACE)`);
    owner = await db.makeRole('owner');
    reader = await db.makeRole('reader');
    expect((await db.cli(['init'])).code).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function decorate(schema: string, table: string): Promise<void> {
    await db.client.query(`CREATE INDEX ON ${q(schema)}.${q(table)} (id)`);
    await db.client.query(`ALTER TABLE ${q(schema)}.${q(table)} OWNER TO ${q(owner)}`);
    await db.client.query(`GRANT SELECT ON ${q(schema)}.${q(table)} TO ${q(reader)}`);
  }

  /** Every partition looks like the parent: storage, distribution, owner, grants, one index on id. */
  async function expectLikeParent(schema: string, table: string, parts: PartitionShape[]): Promise<void> {
    const parent = await parentShape(db.client, schema, table);
    for (const p of parts) {
      expect({ child: p.child, storage: p.storage, reloptions: p.reloptions, distribution: p.distribution, owner: p.owner, acl: p.acl, indexes: p.indexes }).toEqual({
        child: p.child,
        storage: parent.storage,
        reloptions: parent.reloptions,
        distribution: parent.distribution,
        owner,
        acl: parent.acl,
        indexes: ['CREATE INDEX ON USING btree (id)'],
      });
    }
  }

  async function statsOf(schema: string, table: string): Promise<Array<{ child: string; reltuples: number; rows: number }>> {
    const out: Array<{ child: string; reltuples: number; rows: number }> = [];
    for (const p of await shape(db.client, schema, table)) {
      const r = await db.client.query<{ reltuples: number; n: string }>(
        `SELECT c.reltuples::float8 AS reltuples, (SELECT count(*) FROM ${q(schema)}.${q(p.child)}) AS n
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
        [schema, p.child],
      );
      out.push({ child: p.child, reltuples: Number(r.rows[0]!.reltuples), rows: Number(r.rows[0]!.n) });
    }
    return out;
  }

  for (const storage of ['heap', 'ao_row', 'ao_column'] as Storage[]) {
    describe(storage, () => {
      const S = `steps_${storage}`;
      let policy: string;
      let plan: PlanDoc;

      beforeAll(async () => {
        const c = db.client;
        // With a DEFAULT: a year to drop, a quarter to move, EVERY months to merge into quarters,
        // two partitions straddling the quarter grid to realign, and months the DEFAULT holds to split.
        await createTable(
          c,
          S,
          'with_default',
          storage,
          `PARTITION p2021 START ('2021-01-01') END ('2022-01-01'),
           PARTITION q2023_2 START ('2023-04-01') END ('2023-07-01'),
           START ('2023-07-01') END ('2024-01-01') EVERY (INTERVAL '1 month'),
           PARTITION straddle_a START ('2024-01-01') END ('2024-05-15'),
           PARTITION straddle_b START ('2024-05-15') END ('2024-07-01'),
           DEFAULT PARTITION other`,
        );
        await decorate(S, 'with_default');
        await fillDays(c, S, 'with_default', '2021-06-01', '2025-09-01', 2);
        // Without a DEFAULT: EVERY months to merge into quarters, months to create empty.
        await createTable(
          c,
          S,
          'no_default',
          storage,
          `START ('2024-04-01') END ('2025-01-01') EVERY (INTERVAL '1 month'),
           PARTITION m2025_01 START ('2025-01-01') END ('2025-02-01'),
           PARTITION m2025_02 START ('2025-02-01') END ('2025-03-01'),
           PARTITION m2025_03 START ('2025-03-01') END ('2025-04-01')`,
        );
        await decorate(S, 'no_default');
        await fillDays(c, S, 'no_default', '2024-04-01', '2025-04-01', 2);
        // default_partition: ensure on a table without one.
        await createTable(c, S, 'ensure', storage, `PARTITION m2025_03 START ('2025-03-01') END ('2025-04-01')`);
        await decorate(S, 'ensure');
        await fillDays(c, S, 'ensure', '2025-03-01', '2025-04-01', 2);
        await c.query(`ANALYZE ${q(S)}.with_default`);
        policy = db.policy(
          `${storage}.yaml`,
          `version: 1
defaults: { timezone: UTC, lock: { mode: shared, timeout: 30s } }
tables:
  - table: ${S}.with_default
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
      - { from: -2 years, to: -3 months, every: 1 quarter, tablespace: ${WARM} }
    retention: { drop_after: 3 years }
  - table: ${S}.no_default
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
      - { from: -1 year, to: -3 months, every: 1 quarter }
  - table: ${S}.ensure
    layout:
      - { from: -1 month, to: +3 months, every: 1 month }
    default_partition: ensure
`,
        );
        plan = await planJson(db, policy, NOW);
      });

      it('plans every step kind', () => {
        const kinds = (t: string) => plan.tables.find((x) => x.table === `${S}.${t}`)!.steps.map((s) => `${s.kind}:${s.call.name}`);
        expect(kinds('with_default').sort()).toEqual(
          [
            'drop:gppart.drop_partition',
            'merge:gppart.merge_partitions',
            'merge:gppart.merge_partitions',
            'merge:gppart.merge_partitions',
            'move:gppart.move_partition',
            'split:gppart.split_default',
          ].sort(),
        );
        expect(kinds('no_default').sort()).toEqual(
          ['merge:gppart.merge_partitions', 'merge:gppart.merge_partitions', 'merge:gppart.merge_partitions', 'split:gppart.split_default'].sort(),
        );
        expect(kinds('ensure')).toEqual(['split:gppart.create_default', 'split:gppart.split_default']);
        // The DEFAULT holds January–March 2022, older than retention: said, not purged (expired_rows: warn).
        for (const t of plan.tables) {
          expect(t.warnings).toEqual(t.table === `${S}.with_default` ? [expect.stringMatching(/^DEFAULT partition with_default_1_prt_other holds ~\d+ rows older than retention drop_after 3 years \(before 2022-04-01\)/)] : []);
        }
      });

      it('applies, converges, and loses, doubles or alters no row', async () => {
        const before = {
          d: await totals(db.client, S, 'with_default'),
          nd: await totals(db.client, S, 'no_default'),
          e: await totals(db.client, S, 'ensure'),
        };
        const dropped = await totals(db.client, S, 'with_default', `day < '2022-01-01'`);
        expect(dropped.rows).toBeGreaterThan(0);
        await applyConverges(db, policy, NOW);
        const kept = await totals(db.client, S, 'with_default');
        expect(kept.rows).toBe(before.d.rows - dropped.rows);
        expect(BigInt(kept.vSum)).toBe(BigInt(before.d.vSum) - BigInt(dropped.vSum));
        expect(BigInt(kept.rowHash)).toBe(BigInt(before.d.rowHash) - BigInt(dropped.rowHash));
        expect(await totals(db.client, S, 'no_default')).toEqual(before.nd);
        expect(await totals(db.client, S, 'ensure')).toEqual(before.e);
      });

      it('leaves every partition with the parent storage, distribution, owner, grants and indexes, in the wanted tablespace', async () => {
        const withDefault = await shape(db.client, S, 'with_default');
        expect(withDefault.map((p) => p.range)).toEqual([
          "'2023-04-01'::date .. '2023-07-01'::date",
          "'2023-07-01'::date .. '2023-10-01'::date",
          "'2023-10-01'::date .. '2024-01-01'::date",
          "'2024-01-01'::date .. '2024-04-01'::date",
          "'2024-04-01'::date .. '2024-07-01'::date",
          "'2024-07-01'::date .. '2024-10-01'::date",
          "'2024-10-01'::date .. '2025-01-01'::date",
          "'2025-01-01'::date .. '2025-02-01'::date",
          "'2025-02-01'::date .. '2025-03-01'::date",
          "'2025-03-01'::date .. '2025-04-01'::date",
          "'2025-04-01'::date .. '2025-05-01'::date",
          "'2025-05-01'::date .. '2025-06-01'::date",
          "'2025-06-01'::date .. '2025-07-01'::date",
          'DEFAULT',
        ]);
        for (const p of withDefault) expect([p.child, p.tablespace]).toEqual([p.child, p.range !== 'DEFAULT' && WARM_RANGES.has(rangeStart(p)) ? WARM : 'pg_default']);
        expect(withDefault.at(-1)!.name).toBe('other');
        await expectLikeParent(S, 'with_default', withDefault);

        const noDefault = await shape(db.client, S, 'no_default');
        expect(noDefault.map((p) => p.range)).toEqual([
          "'2024-04-01'::date .. '2024-07-01'::date",
          "'2024-07-01'::date .. '2024-10-01'::date",
          "'2024-10-01'::date .. '2025-01-01'::date",
          "'2025-01-01'::date .. '2025-02-01'::date",
          "'2025-02-01'::date .. '2025-03-01'::date",
          "'2025-03-01'::date .. '2025-04-01'::date",
          "'2025-04-01'::date .. '2025-05-01'::date",
          "'2025-05-01'::date .. '2025-06-01'::date",
          "'2025-06-01'::date .. '2025-07-01'::date",
        ]);
        await expectLikeParent(S, 'no_default', noDefault);

        const ensured = await shape(db.client, S, 'ensure');
        expect(ensured.map((p) => p.range)).toEqual([
          "'2025-03-01'::date .. '2025-04-01'::date",
          "'2025-04-01'::date .. '2025-05-01'::date",
          "'2025-05-01'::date .. '2025-06-01'::date",
          "'2025-06-01'::date .. '2025-07-01'::date",
          'DEFAULT',
        ]);
        await expectLikeParent(S, 'ensure', ensured);
      });

      it('has statistics for what the steps created: new partitions and the DEFAULT count their rows', async () => {
        const stats = await statsOf(S, 'with_default');
        for (const s of stats) expect([s.child, s.reltuples]).toEqual([s.child, s.rows]);
        // The next plan reads them: its layout shows the real row counts.
        const doc = await db.cli(['plan', '-c', policy, '--now', NOW, '--format', 'json', '--target', `${S}.with_default`]);
        const layout = (JSON.parse(doc.stdout) as { tables: Array<{ layoutBefore: Array<{ name: string; rows: number | null }> }> }).tables[0]!.layoutBefore;
        for (const s of stats) expect([s.child, layout.find((l) => l.name === s.child)?.rows]).toEqual([s.child, s.rows]);
      });
    });
  }
  describe('move of a large partition (copy beside it, then EXCHANGE)', () => {
    const S = 'large_move';

    it('keeps rows, storage, owner, grants, the parent\'s index and the partition\'s own index, and analyzes the copy', async () => {
      const c = db.client;
      await createTable(c, S, 'events', 'ao_column', `PARTITION q1 START ('2024-01-01') END ('2024-04-01'), PARTITION q2 START ('2024-04-01') END ('2024-07-01')`);
      await decorate(S, 'events');
      await c.query(`CREATE INDEX q1_v_idx ON ${q(S)}.events_1_prt_q1 (v)`);
      await fillDays(c, S, 'events', '2024-01-01', '2024-07-01', 3);
      const policy = db.policy(
        'large-move.yaml',
        `version: 1\ntables:\n  - table: ${S}.events\n    layout:\n      - { from: -18 months, to: -12 months, every: 1 quarter, tablespace: ${WARM} }\n`,
      );
      const before = await shape(c, S, 'events');
      const rows = await totals(c, S, 'events_1_prt_q1');
      const oid = async () => (await c.query(`SELECT 'large_move.events_1_prt_q1'::regclass::oid::text AS o`)).rows[0].o as string;
      const oidBefore = await oid();
      // Every partition counts as large: the copy path runs.
      await c.query(`ALTER DATABASE ${q(db.name)} SET gppart.move_copy_threshold = '0'`);
      try {
        const plan = await planJson(db, policy, '2025-07-01');
        expect(plan.tables[0]!.steps.map((s) => s.kind)).toEqual(['move', 'move']);
        await applyConverges(db, policy, '2025-07-01');
      } finally {
        await c.query(`ALTER DATABASE ${q(db.name)} RESET gppart.move_copy_threshold`);
      }
      const after = await shape(c, S, 'events');
      expect(after.map((p) => p.tablespace)).toEqual([WARM, WARM]);
      expect(after.map(({ tablespace: _t, ...rest }) => rest)).toEqual(before.map(({ tablespace: _t, ...rest }) => rest));
      expect(after[0]!.indexes).toEqual(['CREATE INDEX ON USING btree (id)', 'CREATE INDEX ON USING btree (v)']);
      expect(await totals(c, S, 'events_1_prt_q1')).toEqual(rows);
      // A new relation took the partition's place: the copy path ran, not SET TABLESPACE.
      expect(await oid()).not.toBe(oidBefore);
      for (const s of await statsOf(S, 'events')) expect([s.child, s.reltuples]).toEqual([s.child, s.rows]);
    });

    it('refuses a threshold that is not a number of bytes, changing nothing', async () => {
      const c = db.client;
      await createTable(c, S, 'odd', 'heap', `PARTITION q1 START ('2024-01-01') END ('2024-04-01')`);
      const policy = db.policy('odd.yaml', `version: 1\ntables:\n  - table: ${S}.odd\n    layout:\n      - { from: -18 months, to: -15 months, every: 1 quarter, tablespace: ${WARM} }\n`);
      await c.query(`ALTER DATABASE ${q(db.name)} SET gppart.move_copy_threshold = '1GB'`);
      try {
        const r = await db.cli(['apply', '-c', policy, '--now', '2025-07-01', '--auto-approve', '--allow-now-override', '--state-dir', db.dir]);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/setting gppart\.move_copy_threshold is '1GB', not a number of bytes/);
      } finally {
        await c.query(`ALTER DATABASE ${q(db.name)} RESET gppart.move_copy_threshold`);
      }
      expect((await shape(c, S, 'odd')).map((p) => p.tablespace)).toEqual(['pg_default']);
    });
  });
  describe('edge paths of split and merge', () => {
    const S = 'edges';

    it('splits a table whose only partition is its DEFAULT (Greenplum cannot drop its last partition)', async () => {
      const c = db.client;
      await createTable(c, S, 'only_default', 'ao_row', `DEFAULT PARTITION rest`);
      await decorate(S, 'only_default');
      await fillDays(c, S, 'only_default', '2025-01-01', '2025-09-01', 3);
      const before = await totals(c, S, 'only_default');
      const policy = db.policy('only-default.yaml', `version: 1\ntables:\n  - table: ${S}.only_default\n    layout:\n      - { from: -3 months, to: +3 months, every: 1 month }\n`);
      await applyConverges(db, policy, NOW);
      expect(await totals(c, S, 'only_default')).toEqual(before);
      const parts = await shape(c, S, 'only_default');
      expect(parts.map((p) => p.range)).toEqual([
        "'2025-01-01'::date .. '2025-02-01'::date",
        "'2025-02-01'::date .. '2025-03-01'::date",
        "'2025-03-01'::date .. '2025-04-01'::date",
        "'2025-04-01'::date .. '2025-05-01'::date",
        "'2025-05-01'::date .. '2025-06-01'::date",
        "'2025-06-01'::date .. '2025-07-01'::date",
        'DEFAULT',
      ]);
      await expectLikeParent(S, 'only_default', parts);
      expect((await totals(c, S, 'only_default_1_prt_rest')).rows).toBe(62 * 3);
    });

    it("a realign sends rows no wanted period covers to the DEFAULT, which keeps its own rows, storage and grants", async () => {
      const c = db.client;
      await createTable(
        c,
        S,
        'overflow',
        'ao_column',
        `PARTITION straddle START ('2025-03-15') END ('2025-05-01'), DEFAULT PARTITION rest`,
      );
      await decorate(S, 'overflow');
      await c.query(`GRANT INSERT ON ${q(S)}.overflow_1_prt_rest TO ${q(reader)}`);
      await fillDays(c, S, 'overflow', '2025-03-15', '2025-05-01', 4);
      await fillDays(c, S, 'overflow', '2025-07-01', '2025-08-01', 4);
      const before = await totals(c, S, 'overflow');
      const restBefore = await totals(c, S, 'overflow_1_prt_rest');
      const defaultBefore = (await shape(c, S, 'overflow')).at(-1)!;
      const policy = db.policy('overflow.yaml', `version: 1\ntables:\n  - table: ${S}.overflow\n    layout:\n      - { from: 0 days, to: +1 month, every: 1 month }\n`);
      const plan = await planJson(db, policy, NOW);
      expect(plan.tables[0]!.steps.map((s) => s.kind)).toEqual(['merge']);
      await applyConverges(db, policy, NOW);
      expect(await totals(c, S, 'overflow')).toEqual(before);
      // March 15–31 had no wanted period: its 68 rows joined the DEFAULT's own.
      expect((await totals(c, S, 'overflow_1_prt_rest')).rows).toBe(restBefore.rows + 17 * 4);
      const after = await shape(c, S, 'overflow');
      expect(after.map((p) => p.range)).toEqual(["'2025-04-01'::date .. '2025-05-01'::date", 'DEFAULT']);
      expect(after.at(-1)).toEqual(defaultBefore);
    });
  });
});
