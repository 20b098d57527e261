// Issue 12, target 5: `gppart plan` on one table of 10,000 partitions (nothing to do, but every
// partition must be looked at) against the bare catalog query it issues, with where the time goes;
// then gppart's own side per partition at 100,000 against 10,000 (flat?), and its peak memory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { openSession, serverInfo } from '../catalog/connection.js';
import { mapPostgresRows, postgresDriver, POSTGRES_INTROSPECTION_SQL, type PostgresCatalogRow } from '../catalog/postgres.js';
import { listTablespaces } from '../catalog/state-store.js';
import { partitionRefs } from '../apply/snapshot.js';
import { buildPlan } from '../plan/plan.js';
import { parsePolicyText } from '../policy/load.js';
import { renderPlanText } from '../render/text.js';
import { toPlanFile } from '../workflow/planfile.js';
import { computePlan } from '../workflow/planning.js';
import { PACKAGE_ROOT, TOOL_VERSION } from '../version.js';
import { figure, fixture, heading, median, note, runProcess, timed } from './report.js';

const PARTITIONS = 10_000;
const SCALE = [10_000, 100_000];
const REPEATS = 5;

function policyText(n: number): string {
  return `version: 1\ntables:\n  - table: public.wide\n    layout:\n      - { from: -${n} days, to: 0 days, every: 1 day }\n`;
}

function nowFor(n: number): string {
  return new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
}

async function onTheServer(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  const setup = await timed(() => client.query(fixture('wide-table.sql', { partitions: PARTITIONS })));
  await client.end();
  note(`setup: ${(setup / 1000).toFixed(0)} s to create the partitions (each CREATE TABLE … PARTITION OF reads every existing one)`);

  // The policy wants exactly these days, relative to a fixed now: the plan is empty but has to
  // look at every partition, which is the cost being measured.
  const text = policyText(PARTITIONS);
  const policy = parsePolicyText(text, 'bench.yaml');
  const now = nowFor(PARTITIONS);
  const stages: Record<string, number[]> = {};
  const add = (k: string, ms: number) => (stages[k] ??= []).push(ms);
  const catalog: number[] = [];
  const whole: number[] = [];
  const table = [{ schema: 'public', name: 'wide' }];
  for (let i = 0; i < REPEATS; i++) {
    let session!: Awaited<ReturnType<typeof openSession>>;
    add('connect', await timed(async () => (session = await openSession({ url, origin: 'bench' }, 'gppart bench'))));
    try {
      // A new backend reads the catalog of 10,000 partitions into its caches on the first query:
      // warm them first, so the query and gppart are compared on equal terms.
      await session.client.query(POSTGRES_INTROSPECTION_SQL, [['public'], ['wide']]);
      catalog.push(await timed(() => session.client.query(POSTGRES_INTROSPECTION_SQL, [['public'], ['wide']])));
      whole.push(await timed(() => computePlan(session, policy, now)));
      // The same work stage by stage.
      let server!: Awaited<ReturnType<typeof serverInfo>>;
      add('server identity', await timed(async () => (server = await serverInfo(session))));
      add('tablespace list', await timed(() => listTablespaces(session.client)));
      let rows!: PostgresCatalogRow[];
      add('catalog query', await timed(async () => (rows = (await session.client.query<PostgresCatalogRow>(POSTGRES_INTROSPECTION_SQL, [['public'], ['wide']])).rows)));
      let actual!: Map<string, ReturnType<typeof mapTable>>;
      const mapTable = () => {
        const r = mapPostgresRows(rows, table).get('public.wide')!;
        if (!r.ok) throw r.error;
        return r.table;
      };
      add('mapping bounds', await timed(async () => (actual = new Map([['public.wide', mapTable()]]))));
      let plan!: ReturnType<typeof buildPlan>;
      add('planning', await timed(async () => {
        plan = buildPlan({ policy, actual, server, now, toolVersion: TOOL_VERSION });
        for (const t of plan.tables) t.partitionsBefore = partitionRefs(actual.get(t.table)!);
      }));
      add('plan hash', await timed(async () => toPlanFile(plan, { file: 'bench.yaml', text })));
      add('rendering', await timed(async () => renderPlanText(plan, { color: false }, (s) => postgresDriver().renderCall(s.call))));
    } finally {
      await session.client.end();
    }
  }
  figure(`introspect + plan, ${PARTITIONS.toLocaleString('en-US')} partitions`, { label: 'catalog query', value: median(catalog) }, median(whole), { goal: 1.5, detail: `median of ${REPEATS}` });
  note(`where the time goes (median of ${REPEATS}): ${Object.entries(stages).map(([k, v]) => `${k} ${median(v).toFixed(1)} ms`).join(', ')}`);

  // The whole command as a user runs it (start-up, connection, the plan, its hash and rendering).
  const dir = mkdtempSync(join(tmpdir(), 'gppart-bench-plan-'));
  try {
    const file = join(dir, 'wide.yaml');
    writeFileSync(file, text);
    const runs = [1, 2, 3].map(() => runProcess([process.execPath, join(PACKAGE_ROOT, 'bin', 'run.js'), 'plan', '-c', file, '--now', now], { env: { GPPART_DATABASE_URL: url, NO_COLOR: '1' } }));
    const failed = runs.find((r) => r.status !== 0);
    if (failed) throw new Error(`gppart plan failed: ${failed.stderr}`);
    figure('the whole gppart plan process', { label: 'catalog query', value: median(catalog) }, median(runs.map((r) => r.wallMs)), { detail: 'median of 3, for reference' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** gppart's side at N partitions, in a process of its own (peak RSS is per process). */
function atScale(n: number): { total: number; maxRssMB: number } {
  const r = runProcess([process.execPath, join(PACKAGE_ROOT, 'dist', 'bench', 'plan-at-scale.js'), String(n)]);
  if (r.status !== 0) throw new Error(`plan-at-scale ${n} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { total: number; maxRssMB: number };
}

export async function benchPlanning(url: string): Promise<void> {
  heading(`plan on one table with ${PARTITIONS.toLocaleString('en-US')} daily partitions (nothing to do)`);
  await onTheServer(url);
  heading('plan at scale: gppart\'s own side (mapping, planning, plan hash, rendering) on catalog rows for N partitions, median of 3');
  const [small, large] = SCALE.map((n) => [1, 2, 3].map(() => atScale(n)));
  const perPartition = (runs: Array<{ total: number }>, n: number) => (median(runs.map((r) => r.total)) / n) * 1000;
  figure(
    `µs per partition at ${SCALE[1]!.toLocaleString('en-US')} against at ${SCALE[0]!.toLocaleString('en-US')}`,
    { label: `at ${SCALE[0]!.toLocaleString('en-US')}`, value: perPartition(small!, SCALE[0]!) },
    perPartition(large!, SCALE[1]!),
    { goal: 1.25, unit: 'µs', detail: `peak RSS at ${SCALE[1]!.toLocaleString('en-US')}: ${median(large!.map((r) => r.maxRssMB)).toFixed(0)} MB` },
  );
}
