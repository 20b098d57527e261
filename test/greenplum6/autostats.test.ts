// Greenplum's automatic statistics never run inside a step, whatever the DBA configured: gppart
// analyzes what a step created after its COMMIT, and an ANALYZE inside a step that then rolls back
// would leave row counts written in place for rows that never were (docs/architecture.md).
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyConverges, createGp6Db, createTable, describeGp6, fillDays, planJson, q, totals, type Gp6Db } from './support.js';

const NOW = '2025-04-01';

/** The row-writing step functions, each of which must carry the setting (046). */
const WRITERS = ['merge_partitions', 'move_partition', 'purge_default', 'restore_finish', 'split_default', 'unload_finish', 'unload_pxf'];

describeGp6('no automatic ANALYZE inside a step (gp_autostats_mode_in_functions)', () => {
  let db: Gp6Db;

  beforeAll(async () => {
    db = await createGp6Db('autostats');
    expect((await db.cli(['init'])).code).toBe(0);
    // What a DBA may set cluster-wide: every write inside a function of more than one row analyzes.
    await db.client.query(`ALTER DATABASE ${q(db.name)} SET gp_autostats_mode_in_functions = 'on_change'`);
    await db.client.query(`ALTER DATABASE ${q(db.name)} SET gp_autostats_on_change_threshold = 1`);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a realign that appends rows to the DEFAULT does not analyze it inside the step', async () => {
    const c = await db.connect();
    await createTable(c, 'a', 'overflow', 'ao_column', `PARTITION straddle START ('2025-03-15') END ('2025-05-01'), DEFAULT PARTITION rest`);
    await fillDays(c, 'a', 'overflow', '2025-03-15', '2025-05-01', 4);
    await fillDays(c, 'a', 'overflow', '2025-07-01', '2025-08-01', 4);
    const rest = `${q('a')}.${q('overflow_1_prt_rest')}`;
    const before = await totals(c, 'a', 'overflow');
    const analyzedBefore = await lastAnalyze(c, rest);
    const policy = db.policy('overflow.yaml', `version: 1\ntables:\n  - table: a.overflow\n    layout:\n      - { from: 0 days, to: +1 month, every: 1 month }\n`);
    const plan = await planJson(db, policy, NOW);
    // A merge whose DEFAULT is not a source: gppart does not analyze the DEFAULT after it, so an
    // ANALYZE of it since then can only have come from inside the step.
    expect(plan.tables[0]!.steps.map((s) => [s.kind, s.reads.some((r) => r.isDefault)])).toEqual([['merge', false]]);
    await applyConverges(db, policy, NOW);
    expect(await totals(c, 'a', 'overflow')).toEqual(before);
    expect((await totals(c, 'a', 'overflow_1_prt_rest')).rows).toBe(31 * 4 + 17 * 4);
    expect(await lastAnalyze(c, rest)).toBe(analyzedBefore);
  });

  it('each row-writing step function carries the setting for its own call only', async () => {
    const r = await db.client.query<{ proname: string; proconfig: string[] | null }>(
      `SELECT p.proname, p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'gppart' AND p.proname = ANY ($1) ORDER BY p.proname`,
      [WRITERS],
    );
    expect(r.rows.map((x) => [x.proname, x.proconfig])).toEqual(WRITERS.map((w) => [w, ['gp_autostats_mode_in_functions=none']]));
    // The transaction that called the step has its own value back once the call returned.
    const c = await db.connect();
    await createTable(c, 'a', 'small', 'heap', `DEFAULT PARTITION rest`);
    await fillDays(c, 'a', 'small', '2025-01-01', '2025-03-01', 2);
    await c.query('BEGIN');
    try {
      const split = await c.query<{ n: string }>(`SELECT gppart.split_default('a', 'small', ARRAY['2025-01-01'], ARRAY['2025-02-01'], ARRAY['p2025_01'], ARRAY[NULL]::text[], NULL) AS n`);
      expect(split.rows[0]!.n).toBe(String(31 * 2));
      expect((await c.query<{ v: string }>(`SELECT current_setting('gp_autostats_mode_in_functions') AS v`)).rows[0]!.v).toBe('on_change');
    } finally {
      await c.query('ROLLBACK');
    }
  });
});

/** When the relation was last analyzed, as Greenplum records it; null when never. */
async function lastAnalyze(c: pg.ClientBase, rel: string): Promise<string | null> {
  const r = await c.query<{ t: string | null }>(
    `SELECT max(statime)::text AS t FROM pg_stat_last_operation WHERE classid = 'pg_class'::regclass AND objid = $1::regclass AND staactionname = 'ANALYZE'`,
    [rel],
  );
  return r.rows[0]!.t;
}
