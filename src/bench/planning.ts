// Issue 12, target 5: `gppart plan` on one table with many partitions (nothing to do, but every
// partition must be looked at) against the bare catalog query it issues.
import pg from 'pg';
import { openSession } from '../catalog/connection.js';
import { POSTGRES_INTROSPECTION_SQL } from '../catalog/postgres.js';
import { computePlan } from '../workflow/planning.js';
import { parsePolicyText } from '../policy/load.js';
import { figure, fixture, heading, median, note, timed } from './report.js';

const PARTITIONS = 10_000;

export async function benchPlanning(url: string): Promise<void> {
  heading(`plan on one table with ${PARTITIONS.toLocaleString('en-US')} daily partitions (nothing to do)`);
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  const setup = await timed(() => client.query(fixture('wide-table.sql', { partitions: PARTITIONS })));
  note(`setup: ${(setup / 1000).toFixed(1)} s to create the partitions`);

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
  try {
    const catalog: number[] = [];
    const whole: number[] = [];
    let steps = -1;
    for (let i = 0; i < 5; i++) {
      catalog.push(await timed(() => session.client.query(POSTGRES_INTROSPECTION_SQL, [['public'], ['wide']])));
      whole.push(await timed(async () => {
        steps = (await computePlan(session, policy, now)).plan.tables[0]!.steps.length;
      }));
    }
    figure(`introspect + plan (${steps} steps)`, { label: 'catalog query', value: median(catalog) }, median(whole), { goal: 1.5, detail: 'median of 5' });
  } finally {
    await session.client.end();
    await client.end();
  }
}
