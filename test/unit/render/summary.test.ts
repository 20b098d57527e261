// The summary line counts what the reader will see happen: creating a DEFAULT (a split step in the
// model) is not a split.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../src/plan/plan.js';
import { summaryLine } from '../../../src/render/text.js';
import { band, policy, table } from '../plan/fixtures.js';

describe('summaryLine', () => {
  it('counts default_partition: ensure apart from the splits', () => {
    const p = policy([band('-1 month', '+2 months', '1 month')], { defaultPartition: 'ensure' });
    const actual = table([{ from: '2024-04-01', to: '2024-05-01', name: 'orders_p202404', rows: 3 }], { defaultRows: null });
    const plan = buildPlan({
      policy: { version: 1, file: 'gppart.yaml', hash: createHash('sha256').update('x').digest('hex'), tables: [p] },
      actual: new Map([['sales.orders', actual]]),
      server: { dialect: 'greenplum6', version: 'Greenplum Database 6.24.3', database: 'dwh', identity: 'db:5432/dwh' },
      now: '2024-05-15',
      toolVersion: '0.1.0',
    });
    expect(plan.tables[0]!.steps.map((s) => s.call.name)).toEqual(['gppart.create_default', 'gppart.split_default']);
    expect(summaryLine(plan)).toBe('Plan: 1 to split, 1 DEFAULT to create, 0 to merge, 0 to move, 0 to unload, 0 to drop.');
  });
});
