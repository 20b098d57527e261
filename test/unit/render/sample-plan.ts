// A plan with a drop, a split and a merge, built by the real planner from catalog-like fixtures.
import { createHash } from 'node:crypto';
import { buildPlan } from '../../../src/plan/plan.js';
import type { Plan } from '../../../src/plan/model.js';
import type { Policy } from '../../../src/policy/types.js';
import { band, policy, retention, table } from '../plan/fixtures.js';
import { formatTableName } from '../../../src/policy/table-name.js';

/** The policy the fixtures below describe, as YAML: plan files embed it, and readPlanFile checks steps against it. */
export function samplePolicyText(over: { exclusive?: boolean; name?: string } = {}): string {
  const table = formatTableName({ schema: 'sales', name: over.name ?? 'orders' });
  return [
    'version: 1',
    'tables:',
    `  - table: '${table.replace(/'/g, "''")}'`,
    '    layout:',
    '      - { from: -3 months, to: +1 month, every: 1 month }',
    '      - { from: -2 years, to: -3 months, every: 1 quarter, tablespace: warm }',
    '    retention: { drop_after: 2 years }',
    `    lock: { mode: ${over.exclusive ? 'exclusive' : 'shared'}, timeout: 5s }`,
    '',
  ].join('\n');
}

export function samplePlan(over: { exclusive?: boolean; name?: string } = {}): Plan {
  const server = { dialect: 'postgres' as const, version: 'PostgreSQL 17.5', database: 'dwh', identity: 'db:5432/dwh' };
  const orders = policy([band('-3 months', '+1 month', '1 month'), band('-2 years', '-3 months', '1 quarter', { tablespace: 'warm' })], {
    retention: retention('2 years'),
    ...(over.exclusive ? { lock: { mode: 'exclusive' as const, timeoutMs: 5000 } } : {}),
  });
  const actual = table(
    [
      { from: '2020-01-01', to: '2021-01-01', name: 'orders_p2020', rows: 3 },
      { from: '2023-01-01', to: '2023-02-01', name: 'orders_p202301', rows: 3 },
      { from: '2023-02-01', to: '2023-03-01', name: 'orders_p202302', rows: 3 },
      { from: '2023-03-01', to: '2023-04-01', name: 'orders_p202303', rows: 3 },
    ],
    { defaultRows: 100, ...(over.name ? { name: over.name } : {}) },
  );
  const t = over.name ? { ...orders, table: { schema: 'sales', name: over.name } } : orders;
  const p: Policy = { version: 1, file: 'gppart.yaml', hash: createHash('sha256').update(samplePolicyText(over)).digest('hex'), tables: [t] };
  return buildPlan({ policy: p, actual: new Map([[`sales.${over.name ?? 'orders'}`, actual]]), server, now: '2024-05-15', toolVersion: '0.1.0' });
}
