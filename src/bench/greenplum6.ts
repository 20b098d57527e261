// `npm run bench` on a real Greenplum 6 (issue 8 "Performance", issue 12 targets 3 and 5), as ratios
// measured in one run:
// - splitting a DEFAULT into N monthly partitions against one INSERT .. SELECT of the same rows
//   (the floor) and against the original tool's one SPLIT DEFAULT PARTITION per month (the peer),
//   on a large (730,800 rows, N = 58) and a small (N = 62) fixture; beside it what Greenplum itself
//   costs any split of those rows (the INSERT routed through a parent that has the N partitions, and
//   N bare ADD PARTITIONs), and the floor without Greenplum's automatic ANALYZE of the new table;
// - gppart's fixed cost per new range, from a fit of time = a·rows + b·N over the two fixtures and
//   measured alone on an empty DEFAULT, against a bare ALTER TABLE … ADD PARTITION;
// - `gppart plan` on tables of 5,000 and 20,000 partitions against the faster of its own catalog
//   query (pg_partition_rule) and the pg_partitions view.
// Runs against GPPART_BENCH_GREENPLUM6_URL, else the cluster of ../shared/greenplum6/gp6 (started if
// needed); says so and skips when neither is there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, openSession } from '../catalog/connection.js';
import { GREENPLUM6_INTROSPECT_SQL, GREENPLUM6_INTROSPECT_VIA_VIEW_SQL } from '../catalog/greenplum6.js';
import { migrate } from '../catalog/migrations.js';
import { parsePolicyText } from '../policy/load.js';
import { computePlan } from '../workflow/planning.js';
import { PACKAGE_ROOT } from '../version.js';
import { applyPolicy, requireDone } from './reshaping.js';

const BENCH_DATABASE = 'gppart_bench';

function fixture(file: string, vars: Record<string, string | number>): string {
  let sql = readFileSync(join(PACKAGE_ROOT, 'bench', file), 'utf8');
  for (const [k, v] of Object.entries(vars)) sql = sql.replaceAll(`{{${k}}}`, String(v));
  return sql;
}

function say(text: string): void {
  process.stdout.write(text + '\n');
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await timed(fn));
  return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

/** GPPART_BENCH_GREENPLUM6_URL, else the gp6 script next to the repository (started), else null. */
function clusterUrl(): { url: string; from: string } | null {
  const env = process.env.GPPART_BENCH_GREENPLUM6_URL;
  if (env) return { url: env, from: 'GPPART_BENCH_GREENPLUM6_URL' };
  for (const script of [join(PACKAGE_ROOT, '..', 'shared', 'greenplum6', 'gp6'), join(PACKAGE_ROOT, '..', '..', 'shared', 'greenplum6', 'gp6')]) {
    if (!existsSync(script)) continue;
    execFileSync(script, ['start'], { stdio: ['ignore', 'ignore', 'inherit'] });
    return { url: execFileSync(script, ['url'], { encoding: 'utf8' }).trim(), from: script };
  }
  return null;
}

function monthStart(i: number): string {
  const d = new Date(Date.UTC(2020, i, 1));
  return d.toISOString().slice(0, 10);
}

interface SplitFigures {
  rows: number;
  months: number;
  floor: number;
  /** The floor's INSERT with gp_autostats_mode = none: the floor includes an ANALYZE of its new table. */
  floorNoStats: number;
  /** The same INSERT through a partitioned copy that has the split's N partitions and a DEFAULT. */
  routed: number;
  step: number;
  whole: number;
  original: number;
}

/**
 * A DEFAULT holding `months` months (+2 that stay) at `perDay` rows a day, cut into `months` monthly
 * partitions three ways: the floor (INSERT .. SELECT of its rows, median of 3), gppart (the step's
 * transaction, and the whole apply with snapshots, statistics and re-plan), and the original tool.
 */
async function splitFixture(url: string, admin: pg.Client, stateDir: string, label: string, months: number, perDay: number): Promise<SplitFigures> {
  const table = `split_${label}`;
  const held = months + 2;
  await admin.query(fixture('greenplum6-split.sql', { table, months: held, per_day: perDay }));
  const rows = Number((await admin.query(fixture('greenplum6-split-count.sql', { table }))).rows[0].n);
  const floors: number[] = [];
  const floorsNoStats: number[] = [];
  const routes: number[] = [];
  const routedTable = fixture('greenplum6-split-routed-table.sql', { table, start: monthStart(2), end: monthStart(held) });
  for (let i = 0; i < 3; i++) {
    await admin.query(fixture('greenplum6-split-floor-table.sql', { table }));
    floors.push(await timed(() => admin.query(fixture('greenplum6-split-floor.sql', { table }))));
    // gp_autostats_mode (on_no_stats by default) analyzes the floor's table after its INSERT into it,
    // empty before; gppart's step analyzes nothing (it does so after its COMMIT, outside its time).
    await admin.query(fixture('greenplum6-split-floor-table.sql', { table }));
    await admin.query('SET gp_autostats_mode = none');
    floorsNoStats.push(await timed(() => admin.query(fixture('greenplum6-split-floor.sql', { table }))));
    await admin.query('RESET gp_autostats_mode');
    await admin.query(routedTable);
    routes.push(await timed(() => admin.query(fixture('greenplum6-split-routed.sql', { table }))));
  }
  await admin.query(fixture('greenplum6-split-routed-drop.sql', { table }));
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[1]!;
  const floor = mid(floors);

  const session = await openSession({ url, origin: 'bench' }, 'gppart bench');
  let step: number;
  let whole: number;
  try {
    const t0 = performance.now();
    const result = await applyPolicy(
      session,
      `version: 1\ntables:\n  - table: public.${table}\n    layout:\n      - { from: -${months} months, to: 0 days, every: 1 month }\n`,
      monthStart(held),
      stateDir,
    );
    whole = (performance.now() - t0) / 1000;
    requireDone(result, table);
    if (result.outcomes.length !== 1 || result.outcomes[0]!.kind !== 'split') {
      throw new Error(`${table}: expected one split step, got ${result.outcomes.map((o) => o.kind).join(', ')}`);
    }
    step = result.outcomes[0]!.ms / 1000;
  } finally {
    await session.client.end();
  }

  await admin.query(fixture('greenplum6-split.sql', { table, months: held, per_day: perDay }));
  const original = await timed(async () => {
    for (let i = 2; i < held; i++) {
      await admin.query(fixture('greenplum6-split-original.sql', { table, start: monthStart(i), end: monthStart(i + 1), name: `p${monthStart(i).slice(0, 7).replace('-', '_')}` }));
    }
  });
  return { rows, months, floor, floorNoStats: mid(floorsNoStats), routed: mid(routes), step, whole, original };
}

/** Seconds per bare ADD PARTITION (AO column, like gppart's), N of them in one committed transaction (as a step's are). */
async function addPartitionCost(admin: pg.Client, n: number): Promise<number> {
  const table = 'add_floor';
  await admin.query(fixture('greenplum6-add-base.sql', { table }));
  const seconds = await timed(async () => {
    await admin.query('BEGIN');
    for (let i = 0; i < n; i++) {
      await admin.query(fixture('greenplum6-add-partition.sql', { table, name: `p${i}`, start: monthStart(i), end: monthStart(i + 1) }));
    }
    await admin.query('COMMIT');
  });
  return seconds / n;
}

async function benchSplits(url: string, admin: pg.Client): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'gppart-bench-gp6-'));
  try {
    say('\nGreenplum 6: splitting a DEFAULT into N monthly partitions (AO column zstd; floor = one INSERT .. SELECT of the same rows; original = one SPLIT DEFAULT PARTITION per month)');
    const large = await splitFixture(url, admin, stateDir, 'large', 58, 400);
    const small = await splitFixture(url, admin, stateDir, 'small', 62, 24);
    const add = await addPartitionCost(admin, 58);
    for (const f of [large, small]) {
      say(
        `  ${f.rows.toLocaleString('en-US')} rows, N=${f.months}: floor ${f.floor.toFixed(2)} s; gppart step ${f.step.toFixed(2)} s (${(f.step / f.floor).toFixed(2)}× floor), ` +
          `whole apply ${f.whole.toFixed(2)} s (${(f.whole / f.floor).toFixed(2)}×); original ${f.original.toFixed(2)} s (${(f.original / f.floor).toFixed(2)}×); ` +
          `gppart step / original ${(f.step / f.original).toFixed(2)}`,
      );
      const greenplum = f.routed + add * f.months;
      say(
        `    what Greenplum itself costs: floor without its automatic ANALYZE ${f.floorNoStats.toFixed(2)} s (gppart step ${(f.step / f.floorNoStats).toFixed(2)}× that); ` +
          `the INSERT routed through a parent with the N partitions ${f.routed.toFixed(2)} s (${(f.routed / f.floor).toFixed(2)}× floor) + N bare ADD PARTITIONs ${(add * f.months).toFixed(2)} s ` +
          `= ${greenplum.toFixed(2)} s (${(greenplum / f.floor).toFixed(2)}× floor); gppart step / that ${(f.step / greenplum).toFixed(2)}`,
      );
    }
    // time = a·rows + b·N through both fixtures.
    const a = (large.step * small.months - small.step * large.months) / (large.rows * small.months - small.rows * large.months);
    const b = (large.step - a * large.rows) / large.months;
    const empty = await splitFixture(url, admin, stateDir, 'empty', 58, 0);
    say(`  fit time = a·rows + b·N over the two: a = ${(a * 1e6).toFixed(2)} µs a row, b = ${(b * 1000).toFixed(1)} ms a range`);
    say(
      `  per range, measured alone (empty DEFAULT, N=58): gppart ${((empty.step / 58) * 1000).toFixed(1)} ms; bare ADD PARTITION ${(add * 1000).toFixed(1)} ms; ` +
        `ratio ${(empty.step / 58 / add).toFixed(2)} (fit: ${(b / add).toFixed(2)})`,
    );
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** A database of its own per size, so the pg_partitions view sees only that table's partitions. */
async function benchPlanOnWideTable(serverUrl: string, partitions: number): Promise<void> {
  const table = `wide_${partitions}`;
  const url = await benchDatabase(serverUrl, `gppart_bench_wide_${partitions}`);
  const admin = new pg.Client({ connectionString: url });
  admin.on('error', () => undefined);
  await admin.connect();
  const have = Number((await admin.query(fixture('greenplum6-wide-count.sql', { table }))).rows[0].n);
  if (have !== partitions) {
    const end = new Date(Date.UTC(2000, 0, 1) + partitions * 86_400_000).toISOString().slice(0, 10);
    await admin.query('SET client_min_messages = warning');
    const s = await timed(() => admin.query(fixture('greenplum6-wide.sql', { table, end })));
    say(`  setup: ${s.toFixed(0)} s to create ${partitions.toLocaleString('en-US')} partitions (kept for the next run)`);
  }
  await admin.end();
  const now = new Date(Date.UTC(2000, 0, 1) + partitions * 86_400_000).toISOString().slice(0, 10);
  const policy = parsePolicyText(`version: 1\ntables:\n  - table: public.${table}\n    layout:\n      - { from: -${partitions} days, to: 0 days, every: 1 day }\n`, 'bench.yaml');
  const session = await openSession({ url, origin: 'bench' }, 'gppart bench');
  try {
    const args = [['public'], [table]];
    const catalog = await median(5, () => session.client.query(GREENPLUM6_INTROSPECT_SQL, args));
    const view = await median(5, () => session.client.query(GREENPLUM6_INTROSPECT_VIA_VIEW_SQL, args));
    let steps = -1;
    const plan = await median(5, async () => {
      steps = (await computePlan(session, policy, now)).plan.tables[0]!.steps.length;
    });
    const floor = Math.min(catalog, view);
    say(
      `  ${partitions.toLocaleString('en-US')} partitions: catalog query ${(catalog * 1000).toFixed(0)} ms, pg_partitions view ${(view * 1000).toFixed(0)} ms, ` +
        `gppart plan ${(plan * 1000).toFixed(0)} ms (${steps} steps; medians of 5); plan / faster of the two ${(plan / floor).toFixed(2)} (goal ≤ 1.5)`,
    );
  } finally {
    await session.client.end();
  }
}

/** The URL of database `name` on the cluster, created when missing (the bench keeps its fixtures). */
async function benchDatabase(serverUrl: string, name: string): Promise<string> {
  const server = new pg.Client({ connectionString: serverUrl });
  server.on('error', () => undefined);
  await server.connect();
  try {
    if (!(await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount) await createDatabase(server, name);
  } finally {
    await server.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function benchGreenplum6(): Promise<void> {
  const cluster = clusterUrl();
  if (!cluster) {
    say('\nGreenplum 6: skipped (set GPPART_BENCH_GREENPLUM6_URL, or put the gp6 script in ../shared/greenplum6)');
    return;
  }
  const url = await benchDatabase(cluster.url, BENCH_DATABASE);
  const admin = new pg.Client({ connectionString: url });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const version = (await admin.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v.replace(/^.*(Greenplum Database [\d.]+).*$/s, '$1');
    say(`\nGreenplum 6 bench — ${version} at ${new URL(url).host} (from ${cluster.from}); ${hostname()}, ${cpus().length} cores; figures are ratios from this one run`);
    await admin.query('SET client_min_messages = warning');
    await migrate(admin, join(PACKAGE_ROOT, 'sql', 'greenplum6'));
    await benchSplits(url, admin);
  } finally {
    await admin.end();
  }
  say('\nGreenplum 6: gppart plan (introspect + plan, nothing to do) against the bare catalog queries, each table in a database of its own');
  for (const n of [5_000, 20_000]) await benchPlanOnWideTable(cluster.url, n);
}
