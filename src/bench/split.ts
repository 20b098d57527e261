// Issue 12, targets 1 and 2 on PostgreSQL: a split out of a DEFAULT of ≥ 500,000 rows into N = 12
// and N = 48 monthly partitions, against its floor, one plain INSERT .. SELECT of the same rows into
// a table with the same columns and index, measured in the same run (median of three fresh
// fixtures each). Both the step's own transaction (from the apply's journal) and the whole
// `gppart apply` process (spawned as a user runs it) are reported. Then the space a split leaves in
// the DEFAULT (autovacuum off), against a freshly written copy of the rows it keeps.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../catalog/migrations.js';
import { PACKAGE_ROOT } from '../version.js';
import { figure, fixture, heading, median, note, runProcess, timed } from './report.js';

const REPEATS = 3;

interface SplitCase {
  months: number;
  perDay: number;
}

// ≥ 500,000 rows each: 1,400 a day for a year, 350 a day for four.
const CASES: SplitCase[] = [
  { months: 12, perDay: 1400 },
  { months: 48, perDay: 350 },
];

function policyFile(dir: string, table: string, months: number): string {
  const file = join(dir, `${table}.yaml`);
  writeFileSync(file, `version: 1\ntables:\n  - table: public.${table}\n    layout:\n      - { from: 0 days, to: +${months} months, every: 1 month }\n`);
  return file;
}

/** `gppart apply` of `policy` as its own process; the step's time as the journal recorded it. */
async function applyProcess(c: pg.Client, url: string, policy: string, stateDir: string): Promise<{ processMs: number; stepMs: number; rows: number }> {
  const run = runProcess(
    [process.execPath, join(PACKAGE_ROOT, 'bin', 'run.js'), 'apply', '-c', policy, '--now', '2030-01-01', '--auto-approve', '--allow-now-override', '--state-dir', stateDir],
    { env: { GPPART_DATABASE_URL: url, NO_COLOR: '1' } },
  );
  if (run.status !== 0) throw new Error(`gppart apply failed (${run.status}): ${run.stderr || run.stdout}`);
  const step = (await c.query<{ kind: string; status: string; rows: string; ms: number }>(fixture('last-step.sql'))).rows[0]!;
  if (step.kind !== 'split' || step.status !== 'done') throw new Error(`expected a split step, the journal says ${step.kind} ${step.status}`);
  return { processMs: run.wallMs, stepMs: Number(step.ms), rows: Number(step.rows) };
}

async function splitNearFloor(c: pg.Client, url: string, dir: string, { months, perDay }: SplitCase): Promise<void> {
  const table = `split_n${months}`;
  await c.query(fixture('split-rows.sql', { table, months, per_day: perDay }));
  const policy = policyFile(dir, table, months);
  const floor: number[] = [];
  const step: number[] = [];
  const whole: number[] = [];
  let rows = 0;
  for (let i = 0; i < REPEATS; i++) {
    await c.query(fixture('split-default.sql', { table, default_options: '' }));
    await c.query(fixture('split-default-baseline-table.sql', { table }));
    floor.push(await timed(() => c.query(fixture('split-default-baseline.sql', { table }))));
    const r = await applyProcess(c, url, policy, join(dir, 'state'));
    step.push(r.stepMs);
    whole.push(r.processMs);
    rows = r.rows;
  }
  const what = `split ${rows.toLocaleString('en-US')} rows of a DEFAULT into N=${months}`;
  const detail = `median of ${REPEATS}, fresh fixture each`;
  figure(`${what}, the step`, { label: 'INSERT..SELECT', value: median(floor) }, median(step), { goal: 1.5, unit: 's', detail });
  figure(`${what}, whole gppart apply`, { label: 'INSERT..SELECT', value: median(floor) }, median(whole), { goal: 1.5, unit: 's', detail });
}

async function spaceLeftInDefault(c: pg.Client, url: string, dir: string): Promise<void> {
  // 24 months, 700 rows a day; the split takes the first 12: half the DEFAULT leaves.
  const table = 'split_bloat';
  await c.query(fixture('split-rows.sql', { table, months: 24, per_day: 700 }));
  await c.query(fixture('split-default.sql', { table, default_options: 'WITH (autovacuum_enabled = false)' }));
  const size = async () => {
    const r = await c.query<{ size: string; fresh: string; rows: string }>(fixture('fresh-copy-size.sql', { relation: `${table}_default` }));
    const last = Array.isArray(r) ? r[r.length - 1]! : r;
    const row = last.rows[0]!;
    return { size: Number(row.size), fresh: Number(row.fresh), rows: Number(row.rows) };
  };
  const before = await size();
  await applyProcess(c, url, policyFile(dir, table, 12), join(dir, 'state'));
  const after = await size();
  const mb = (b: number) => b / 1024 / 1024;
  figure(
    `DEFAULT after half its ${before.rows.toLocaleString('en-US')} rows are split out (autovacuum off)`,
    { label: 'fresh copy of its rows', value: mb(after.fresh) },
    mb(after.size),
    { goal: 1.2, unit: 'MB', peer: { label: 'left by a DELETE (as before 010)', value: mb(before.size) } },
  );
}

export async function benchSplit(url: string): Promise<void> {
  heading('split out of a DEFAULT (PostgreSQL; floor: one INSERT..SELECT of the same rows into a table with the same index)');
  const dir = mkdtempSync(join(tmpdir(), 'gppart-bench-split-'));
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    await migrate(c, join(PACKAGE_ROOT, 'sql', 'postgres'));
    for (const s of CASES) await splitNearFloor(c, url, dir, s);
    await spaceLeftInDefault(c, url, dir);
    note('the step: its transaction as the journal records it; whole: `gppart apply --auto-approve` as a process (start, plan, snapshots, step, re-plan)');
  } finally {
    await c.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
