// Issue 3's figures, measured by driving the real workflow (computePlan + executePlan) in-process:
// - rows written per row reorganised over a merge + realign + split, from the server's own
//   tuple counters (floor 1.0: every moved row is written once; goal ≤ 1.05);
// - the time of splitting a DEFAULT holding N months into N partitions against one plain
//   INSERT .. SELECT of the same rows, for N = 12 and N = 48 (the ratio must not grow with N).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

const RESHAPE_ROWS_PER_DAY = 50;
const SPLIT_ROWS_PER_DAY = 100;

function fixture(file: string, vars: Record<string, string | number>): string {
  let sql = readFileSync(join(PACKAGE_ROOT, 'bench', file), 'utf8');
  for (const [k, v] of Object.entries(vars)) sql = sql.replaceAll(`{{${k}}}`, String(v));
  return sql;
}

async function applyPolicy(session: Session, policyText: string, now: string, stateDir: string): Promise<ApplyResult> {
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

function requireDone(result: ApplyResult, what: string): void {
  const failed = result.outcomes.find((o) => o.status !== 'done');
  if (failed) throw new Error(`${what}: a ${failed.kind} step ${failed.status}: ${failed.error ?? ''}`);
  if (result.replan.tables.some((t) => t.steps.length > 0)) throw new Error(`${what}: the re-plan is not empty`);
}

async function rowsWrittenPerRowReorganised(url: string, fixtures: pg.Client, stateDir: string): Promise<void> {
  process.stdout.write(`\nmerge + realign + split: 36 monthly partitions and a DEFAULT holding 24 more months (${RESHAPE_ROWS_PER_DAY} rows a day)\n`);
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
    process.stdout.write(`  steps: ${count('merge')} merge (incl. the realign), ${count('split')} split, ${count('move')} move; ${seconds.toFixed(2)} s\n`);
    process.stdout.write(`  rows reorganised (sum of the steps' results): ${reorganised.toLocaleString('en-US')}\n`);
    process.stdout.write(`  rows written (n_tup_ins over the partitions): ${written.toLocaleString('en-US')}\n`);
    process.stdout.write(`  rows written per row reorganised: ${(written / reorganised).toFixed(2)} (floor 1.00, goal ≤ 1.05)\n`);
  } finally {
    await session.client.end();
  }
}

async function splitCost(url: string, fixtures: pg.Client, months: number, stateDir: string): Promise<number> {
  const table = `split_n${months}`;
  await fixtures.query(fixture('split-default.sql', { table, months, per_day: SPLIT_ROWS_PER_DAY }));
  const rows = Number((await fixtures.query(fixture('split-default-count.sql', { table }))).rows[0].n);
  // A 50 ms yardstick is at the mercy of a shared machine: take the median of three.
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await fixtures.query(fixture('split-default-baseline.sql', { table }));
    times.push((performance.now() - t0) / 1000);
  }
  const baseline = times.sort((a, b) => a - b)[1]!;
  const session = await openSession({ url, origin: 'bench' }, 'gppart bench');
  let split: number;
  try {
    const result = await applyPolicy(
      session,
      `version: 1
tables:
  - table: public.${table}
    layout:
      - { from: 0 days, to: +${months} months, every: 1 month }
`,
      '2030-01-01',
      stateDir,
    );
    requireDone(result, table);
    if (result.outcomes.length !== 1 || result.outcomes[0]!.kind !== 'split') {
      throw new Error(`${table}: expected one split step, got ${result.outcomes.map((o) => o.kind).join(', ')}`);
    }
    split = result.outcomes[0]!.ms / 1000;
  } finally {
    await session.client.end();
  }
  const ratio = split / baseline;
  process.stdout.write(
    `  split DEFAULT into N=${months}: ${split.toFixed(2)} s, INSERT..SELECT of same rows ${baseline.toFixed(2)} s (median of 3), ratio ${ratio.toFixed(2)} (${rows.toLocaleString('en-US')} rows)\n`,
  );
  return ratio;
}

export async function benchReshaping(url: string): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'gppart-bench-state-'));
  const fixtures = new pg.Client({ connectionString: url });
  fixtures.on('error', () => undefined);
  await fixtures.connect();
  try {
    await migrate(fixtures, join(PACKAGE_ROOT, 'sql', 'postgres'));
    await rowsWrittenPerRowReorganised(url, fixtures, stateDir);
    process.stdout.write(`\nsplitting a DEFAULT that holds N months into N monthly partitions (${SPLIT_ROWS_PER_DAY} rows a day; one pass over the DEFAULT)\n`);
    const r12 = await splitCost(url, fixtures, 12, stateDir);
    const r48 = await splitCost(url, fixtures, 48, stateDir);
    process.stdout.write(`  ratio N=48 / ratio N=12: ${(r48 / r12).toFixed(2)} (must not grow with N: ~1)\n`);
  } finally {
    await fixtures.end();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
