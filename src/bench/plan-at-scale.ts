// gppart's own side of `gppart plan` at scale, on catalog rows shaped exactly as the PostgreSQL
// introspection query returns them, for one table of N daily partitions whose policy wants them
// all (an empty plan that still looks at every partition): mapping the rows, planning (with the
// partition list the plan carries), the plan file's hash, and the text rendering. No server: a
// real table of 100,000 partitions takes hours to create (each CREATE TABLE … PARTITION OF reads
// every existing partition), so the server's side is measured at 10,000 (planning.ts).
// Run as a script (`node dist/bench/plan-at-scale.js N`) it prints its figures and the process's
// peak RSS as JSON, so memory is measured in a process of its own.
import { fileURLToPath } from 'node:url';
import { mapPostgresRows, postgresDriver, type PostgresCatalogRow } from '../catalog/postgres.js';
import { partitionRefs } from '../apply/snapshot.js';
import { buildPlan } from '../plan/plan.js';
import type { ServerInfo } from '../plan/model.js';
import { parsePolicyText } from '../policy/load.js';
import { renderPlanText } from '../render/text.js';
import { toPlanFile } from '../workflow/planfile.js';

const DAY_MS = 86_400_000;
const START = Date.UTC(2000, 0, 1);
const SERVER: ServerInfo = { dialect: 'postgres', version: 'PostgreSQL 17', database: 'bench', identity: 'bench', databaseId: 'bench' };

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function syntheticRows(n: number): PostgresCatalogRow[] {
  const rows: PostgresCatalogRow[] = [];
  for (let i = 0; i < n; i++) {
    const from = iso(START + i * DAY_MS);
    rows.push({
      schema_name: 'public', table_name: 'wide', found: true, relkind: 'p', partstrat: 'r', partnatts: 1, owner: 'postgres',
      tablespace: null, key_column: 'ts', key_type: 'date',
      child_schema: 'public', child_name: `wide_p${from.replaceAll('-', '_')}`, child_relkind: 'r',
      bound: `FOR VALUES FROM ('${from}') TO ('${iso(START + (i + 1) * DAY_MS)}')`,
      child_tablespace: null, reltuples: 0, bytes: '0', access_method: 'heap',
    });
  }
  return rows;
}

export interface ScaleFigures {
  partitions: number;
  mapping: number;
  planning: number;
  planFile: number;
  rendering: number;
  total: number;
}

/** Milliseconds of each stage for one table of `n` daily partitions. */
export function planAtScale(n: number): ScaleFigures {
  const rows = syntheticRows(n);
  const policyText = `version: 1\ntables:\n  - table: public.wide\n    layout:\n      - { from: -${n} days, to: 0 days, every: 1 day }\n`;
  const policy = parsePolicyText(policyText, 'bench.yaml');
  const now = iso(START + n * DAY_MS);
  const driver = postgresDriver();
  const t0 = performance.now();
  const mapped = mapPostgresRows(rows, [{ schema: 'public', name: 'wide' }]).get('public.wide')!;
  if (!mapped.ok) throw mapped.error;
  const actual = new Map([['public.wide', mapped.table]]);
  const t1 = performance.now();
  const plan = buildPlan({ policy, actual, server: SERVER, now, toolVersion: 'bench' });
  for (const t of plan.tables) t.partitionsBefore = partitionRefs(actual.get(t.table)!);
  if (plan.tables[0]!.steps.length !== 0) throw new Error(`expected an empty plan, got ${plan.tables[0]!.steps.length} steps`);
  const t2 = performance.now();
  toPlanFile(plan, { file: 'bench.yaml', text: policyText });
  const t3 = performance.now();
  renderPlanText(plan, { color: false }, (s) => driver.renderCall(s.call));
  const t4 = performance.now();
  return { partitions: n, mapping: t1 - t0, planning: t2 - t1, planFile: t3 - t2, rendering: t4 - t3, total: t4 - t0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2]);
  planAtScale(Math.min(n, 1000)); // warm-up, as a second plan in the same process would be
  const figures = planAtScale(n);
  process.stdout.write(JSON.stringify({ ...figures, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}
