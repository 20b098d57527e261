// A table other tables reference: PostgreSQL cannot detach or drop its partitions, so the plan
// must not promise steps that would fail on every apply.
import { describe, expect, it } from 'vitest';
import { planTable } from '../../../src/plan/diff.js';
import { band, policy, retention, table } from './fixtures.js';

describe('tables referenced by foreign keys', () => {
  const p = policy([band('-3 months', '+3 months', '1 month'), band('-2 years', '-3 months', '3 months', { tablespace: 'warm' })], { retention: retention('3 years') });
  const parts = [
    { from: '2020-01-01', to: '2020-02-01', rows: 10 },
    { from: '2023-01-01', to: '2023-02-01', rows: 10 },
    { from: '2023-02-01', to: '2023-03-01', rows: 10 },
    { from: '2023-03-01', to: '2023-04-01', rows: 10 },
  ];

  it('plans drops, merges and DEFAULT splits normally without one', () => {
    const kinds = planTable(p, table(parts, { defaultRows: 100 }), '2024-05-15').steps.map((s) => s.kind);
    expect(kinds).toEqual(expect.arrayContaining(['drop', 'merge', 'split']));
  });

  it('leaves them out, saying why, and keeps what still works', () => {
    const withDefault = { ...table(parts, { defaultRows: 100 }), referencedBy: ['lines_order_fk on sales.lines'] };
    const plan = planTable(p, withDefault, '2024-05-15');
    expect(plan.steps.filter((s) => s.kind !== 'move')).toEqual([]);
    expect(plan.warnings.join('\n')).toMatch(/referenced by foreign key lines_order_fk on sales\.lines: its partitions cannot be detached or dropped, so \d+ step\(s\) \(drop, (merge, split|split, merge)\) are not planned/);
    // Without a DEFAULT, creating partitions detaches nothing and stays planned.
    const noDefault = { ...table(parts, { defaultRows: null }), referencedBy: ['fk on sales.lines'] };
    expect(planTable(p, noDefault, '2024-05-15').steps.map((s) => s.kind)).toContain('split');
  });
});

describe('partition-local objects', () => {
  it('a merge that would lose a source\'s own index, trigger, grants or options says so', () => {
    const p = policy([band('-2 years', '0 days', '3 months')]);
    const t = table([
      { from: '2023-01-01', to: '2023-02-01', rows: 10, name: 'jan' },
      { from: '2023-02-01', to: '2023-03-01', rows: 10, name: 'feb' },
      { from: '2023-03-01', to: '2023-04-01', rows: 10, name: 'mar' },
    ]);
    t.partitions[1]!.localObjects = ['index feb_extra', 'options fillfactor=70'];
    const plan = planTable(p, t, '2024-05-15');
    expect(plan.steps.some((s) => s.kind === 'merge')).toBe(true);
    expect(plan.warnings).toContain('feb has index feb_extra, options fillfactor=70 of its own; the merge rebuilds it from the parent\'s definition and does not keep them');
    expect(plan.warnings.join('\n')).not.toMatch(/\bjan has\b/);
  });
});

describe('default_partition: ensure with an archive policy', () => {
  it('simulates the DEFAULT it creates before the steps that read it', () => {
    const p = policy([band('-2 years', '0 days', '3 months')], {
      defaultPartition: 'ensure',
      archive: { after: { years: 1 }, afterText: '1 year', bucket: 'bkt', prefix: '', format: 'parquet', via: 'client', pxfServer: null, beforeDrop: false },
    });
    const t = table([{ from: '2023-01-15', to: '2023-04-15', rows: 10, name: 'odd' }], { defaultRows: null });
    const plan = planTable(p, t, '2024-05-15');
    expect(plan.steps.map((s) => s.call.name).slice(0, 2)).toEqual(['gppart.unload_finish', 'gppart.create_default']);
    expect(plan.steps.some((s) => s.kind === 'split' && s.reads.some((r) => r.isDefault))).toBe(true);
    // odd ends before the archive cutoff (2023-05-15): it is unloaded, not merged into a quarter.
    expect(plan.steps.find((s) => s.kind === 'unload')!.reads[0]!.name).toBe('odd');
    expect(plan.steps.some((s) => s.kind === 'merge' && s.reads.some((r) => r.name === 'odd'))).toBe(false);
  });
});
