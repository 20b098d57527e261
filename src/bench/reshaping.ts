// Rows written per row reorganised over a merge + realign + split, measured by driving the real
// workflow (computePlan + executePlan) in-process and reading the server's own tuple counters
// (floor 1.0: every moved row is written once; goal ≤ 1.05); then the space every partition takes
// against a freshly written copy of its rows (goal ≤ 1.2: nothing left for VACUUM).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openSession, type Session } from '../catalog/connection.js';
import { migrate } from '../catalog/migrations.js';
import { flushStats, partitionInsertCounts } from '../catalog/stats.js';
import { executePlan, type ApplyResult } from '../apply/executor.js';
import { toPlanFile } from '../workflow/planfile.js';
import { parsePolicyText } from '../policy/load.js';
import { computePlan, readTables } from '../workflow/planning.js';
import { PACKAGE_ROOT, TOOL_VERSION } from '../version.js';
import { figure, fixture, heading } from './report.js';

const RESHAPE_ROWS_PER_DAY = 50;


export async function applyPolicy(session: Session, policyText: string, now: string, stateDir: string): Promise<ApplyResult> {
  const policy = parsePolicyText(policyText, 'bench.yaml');
  const run = await computePlan(session, policy, now);
  return executePlan({
    session,
    driver: run.driver,
    plan: run.plan,
    planHash: toPlanFile(run.plan, { file: 'bench.yaml', text: policyText }).planHash,
    policyText,
    client: 'gppart bench',
    toolVersion: TOOL_VERSION,
    stateDir,
    migrationsDir: join(PACKAGE_ROOT, 'sql', run.driver.sqlFolder),
    reintrospect: (tables) => readTables(session, run.driver, tables.map((t) => ({ schema: t.schema, name: t.name }))),
    replan: async () => (await computePlan(session, policy, now)).plan,
  });
}

export function requireDone(result: ApplyResult, what: string): void {
  const failed = result.outcomes.find((o) => o.status !== 'done');
  if (failed) throw new Error(`${what}: a ${failed.kind} step ${failed.status}: ${failed.error ?? ''}`);
  if (result.replan.tables.some((t) => t.steps.length > 0)) throw new Error(`${what}: the re-plan is not empty`);
}

async function rowsWrittenPerRowReorganised(url: string, fixtures: pg.Client, stateDir: string): Promise<void> {
  heading(`merge + realign + split: 36 monthly partitions and a DEFAULT holding 24 more months (${RESHAPE_ROWS_PER_DAY} rows a day)`);
  await fixtures.query(fixture('reshaping.sql', { per_day: RESHAPE_ROWS_PER_DAY }));
  await flushStats(fixtures);
  const session = await openSession({ url, origin: 'bench' }, 'gppart bench');
  try {
    const before = await partitionInsertCounts(session.client, 'public', 'reshape');
    const t0 = performance.now();
    const result = await applyPolicy(
      session,
      `version: 1
tables:
  - table: public.reshape
    layout:
      - { from: -12 months, to: +24 months, every: 1 month }
      - { from: -36 months, to: -12 months, every: 1 quarter }
`,
      '2025-01-01',
      stateDir,
    );
    const seconds = (performance.now() - t0) / 1000;
    requireDone(result, 'reshape');
    await flushStats(session.client);
    const after = await partitionInsertCounts(session.client, 'public', 'reshape');
    // New partitions start at 0; a partition that survives (the DEFAULT) keeps its old count.
    let written = 0;
    for (const [oid, n] of after) written += n - (before.get(oid) ?? 0);
    const reorganised = result.outcomes.reduce((s, o) => s + o.rows, 0);
    const kinds = result.outcomes.map((o) => o.kind);
    const count = (k: string) => kinds.filter((x) => x === k).length;
    figure('rows written (n_tup_ins over the partitions) per row reorganised', { label: 'rows reorganised', value: reorganised }, written, {
      goal: 1.05, unit: 'rows', detail: `${count('merge')} merge (incl. the realign), ${count('split')} split, ${count('move')} move in ${seconds.toFixed(2)} s`,
    });
  } finally {
    await session.client.end();
  }
}

/** Every partition's size against a freshly written copy of its rows, after the apply. */
async function spaceTaken(c: pg.Client, table: string): Promise<void> {
  const names = (await c.query<{ name: string }>(fixture('partitions.sql', { table }))).rows.map((r) => r.name);
  let size = 0;
  let fresh = 0;
  let worst = { name: '', ratio: 0 };
  for (const name of names) {
    const results = (await c.query(fixture('fresh-copy-size.sql', { relation: name }))) as unknown as pg.QueryResult[];
    const row = results[results.length - 1]!.rows[0] as { size: string; fresh: string };
    size += Number(row.size);
    fresh += Number(row.fresh);
    const ratio = Number(row.fresh) === 0 ? (Number(row.size) === 0 ? 1 : Infinity) : Number(row.size) / Number(row.fresh);
    if (ratio > worst.ratio) worst = { name, ratio };
  }
  const mb = (b: number) => b / 1024 / 1024;
  figure(`space the ${names.length} partitions take after it`, { label: 'fresh copies of their rows', value: mb(fresh) }, mb(size), {
    goal: 1.2, unit: 'MB', detail: `largest ratio ${worst.ratio.toFixed(2)} (${worst.name})`,
  });
}

export async function benchReshaping(url: string): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'gppart-bench-state-'));
  const fixtures = new pg.Client({ connectionString: url });
  fixtures.on('error', () => undefined);
  await fixtures.connect();
  try {
    await migrate(fixtures, join(PACKAGE_ROOT, 'sql', 'postgres'));
    await rowsWrittenPerRowReorganised(url, fixtures, stateDir);
    await spaceTaken(fixtures, 'reshape');
  } finally {
    await fixtures.end();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
