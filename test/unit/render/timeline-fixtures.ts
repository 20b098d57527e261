// Plans the timeline pictures are tested on, built by the real planner from catalog-like fixtures
// and given their partitionsBefore as `gppart plan` does (src/workflow/planning.ts).
import { createHash } from 'node:crypto';
import { partitionRefs } from '../../../src/apply/snapshot.js';
import { buildPlan } from '../../../src/plan/plan.js';
import type { ActualTable, Plan } from '../../../src/plan/model.js';
import type { Policy, TablePolicy } from '../../../src/policy/types.js';
import { band, policy, retention, table, type PartSpec } from '../plan/fixtures.js';

const SERVER = { dialect: 'postgres' as const, version: 'PostgreSQL 17.5', database: 'dwh', identity: 'db:5432/dwh' };

export interface PlanFixture {
  plan: Plan;
  policy: Policy;
  actual: ActualTable;
}

function planFor(tp: TablePolicy, actual: ActualTable, now: string): PlanFixture {
  const p: Policy = { version: 1, file: 'gppart.yaml', hash: createHash('sha256').update(JSON.stringify(tp)).digest('hex'), tables: [tp] };
  const plan = buildPlan({ policy: p, actual: new Map([[`${actual.table.schema}.${actual.table.name}`, actual]]), server: SERVER, now, toolVersion: '0.1.0' });
  plan.tables[0]!.partitionsBefore = partitionRefs(actual);
  return { plan, policy: p, actual };
}

const pad = (n: number) => String(n).padStart(2, '0');
const monthStart = (y: number, m: number) => `${y + Math.floor((m - 1) / 12)}-${pad(((m - 1) % 12) + 1)}-01`;

/**
 * The demo plan: two years of monthly partitions and two yearly ones, for a policy that wants
 * months near today, quarters in `warm` (append-optimized, column) for two years, and nothing older
 * than three years. Its steps drop, merge and split; it is the README's picture.
 */
export function demoPlan(over: { name?: string } = {}): PlanFixture {
  const name = over.name ?? 'orders';
  const tp = {
    ...policy(
      [
        band('-3 months', '+2 months', '1 month'),
        band('-2 years', '-3 months', '1 quarter', { tablespace: 'warm', storage: 'appendonly=true, orientation=column' }),
      ],
      { retention: retention('3 years') },
    ),
    table: { schema: 'sales', name },
  };
  const parts: PartSpec[] = [
    { from: '2020-01-01', to: '2021-01-01', name: `${name}_p2020`, rows: 120_000 },
    { from: '2021-01-01', to: '2022-01-01', name: `${name}_p2021`, rows: 150_000, tablespace: 'warm', storage: 'ao_column' },
  ];
  for (let m = 1; m <= 28; m++) parts.push({ from: monthStart(2022, m), to: monthStart(2022, m + 1), name: `${name}_p${monthStart(2022, m).slice(0, 7).replace('-', '_')}`, rows: 20_000 + m * 400 });
  return planFor(tp, table(parts, { defaultRows: 800, name }), '2024-05-15');
}

/** 10,000 daily partitions (from 1997-06-01) kept as they are, or reshaped into years, months and days. */
export function dailyPlan(mode: 'keep' | 'reshape'): PlanFixture {
  const tp =
    mode === 'reshape'
      ? policy([band('-3 months', '+1 month', '1 day'), band('-2 years', '-3 months', '1 month', { tablespace: 'warm' }), band('-30 years', '-2 years', '1 year', { tablespace: 'cold' })], {
          retention: retention('30 years'),
        })
      : policy([band('-30 years', '+1 month', '1 day')]);
  const day = 86_400_000;
  const start = Date.UTC(1997, 5, 1);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const parts = Array.from({ length: 10_000 }, (_, i) => ({ from: iso(start + i * day), to: iso(start + (i + 1) * day), name: `orders_d${i}`, rows: 1000 }));
  return planFor(tp, table(parts, { defaultRows: 0 }), '2024-10-15');
}

export const HOSTILE_NAME = 'x<script>alert(1)</script>\n# :crit; %%{init}%% `"&\u202e';

/** The demo plan of a table, partitions and tablespace whose names are hostile (markup, Mermaid syntax, control characters). */
export function hostileDemoPlan(): PlanFixture {
  const f = demoPlan();
  const json = JSON.stringify(f.plan).replaceAll('orders', JSON.stringify(HOSTILE_NAME).slice(1, -1)).replaceAll('"warm"', JSON.stringify(`warm${HOSTILE_NAME}`));
  return { ...f, plan: JSON.parse(json) as Plan };
}
