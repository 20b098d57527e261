// `npm run bench`: speed figures as ratios measured in one run against a throwaway server, so a
// shared, noisy machine slows both sides of each ratio alike. Never asserted in tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedServer } from '../util/embedded-server.js';
import { openSession } from '../catalog/connection.js';
import { POSTGRES_INTROSPECTION_SQL } from '../catalog/postgres.js';
import { computePlan } from '../workflow/planning.js';
import { parsePolicyText } from '../policy/load.js';
import { benchReshaping } from './reshaping.js';
import { benchArchive } from './archive.js';
import { benchGreenplum6 } from './greenplum6.js';
import { benchValidation } from './validation.js';
import { PACKAGE_ROOT } from '../version.js';

const PARTITIONS = 10_000;

function ms(t0: number): number {
  return performance.now() - t0;
}

async function median(n: number, fn: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(ms(t0));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function benchPlanOnManyPartitions(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  process.stdout.write(`\nplan on one table with ${PARTITIONS.toLocaleString('en-US')} daily partitions\n`);
  const t0 = performance.now();
  await client.query(readFileSync(join(PACKAGE_ROOT, 'bench', 'wide-table.sql'), 'utf8').replaceAll('{{partitions}}', String(PARTITIONS)));
  process.stdout.write(`  setup: ${(ms(t0) / 1000).toFixed(1)} s to create the partitions\n`);

  // The policy wants exactly these days, relative to a fixed now: the plan is empty but has to
  // look at every partition, which is the cost being measured.
  const policyText = `version: 1
tables:
  - table: public.wide
    layout:
      - { from: -${PARTITIONS} days, to: 0 days, every: 1 day }
`;
  const policy = parsePolicyText(policyText, 'bench.yaml');
  const now = new Date(Date.UTC(2000, 0, 1) + PARTITIONS * 86_400_000).toISOString().slice(0, 10);
  const session = await openSession({ url, origin: 'bench' }, 'gppart bench');

  const catalog = await median(5, async () => {
    await session.client.query(POSTGRES_INTROSPECTION_SQL, [['public'], ['wide']]);
  });
  let steps = -1;
  const whole = await median(5, async () => {
    const run = await computePlan(session, policy, now);
    steps = run.plan.tables[0]!.steps.length;
  });
  await session.client.end();
  await client.end();
  process.stdout.write(`  bare catalog query:          ${catalog.toFixed(1)} ms (median of 5)\n`);
  process.stdout.write(`  gppart plan (introspect + plan): ${whole.toFixed(1)} ms (median of 5; ${steps} steps)\n`);
  process.stdout.write(`  ratio plan / catalog query:  ${(whole / catalog).toFixed(2)}\n`);
}

async function main(): Promise<void> {
  const server = await startEmbeddedServer();
  try {
    const url = await server.createDatabase('bench');
    process.stdout.write(`gppart bench — PostgreSQL on 127.0.0.1:${server.port}; figures are ratios from this one run\n`);
    await benchPlanOnManyPartitions(url);
    await benchReshaping(url);
    await benchArchive(url);
    benchValidation();
  } finally {
    await server.stop();
  }
  await benchGreenplum6();
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.message}\n`);
  process.exit(1);
});
