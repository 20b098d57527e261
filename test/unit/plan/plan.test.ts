import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActualTable } from '../../../src/plan/model.js';
import { buildPlan, canonicalJson, isEmpty, planHash } from '../../../src/plan/plan.js';
import { simulateSteps } from '../../../src/plan/simulate.js';
import type { Policy, TablePolicy } from '../../../src/policy/types.js';
import { band, offset, policy, retention, table } from './fixtures.js';

const server = { dialect: 'postgres' as const, version: 'PostgreSQL 17.5', database: 'dwh', identity: 'db:5432/dwh' };

function input(tables: TablePolicy[], actual: ActualTable[], now = '2024-05-15') {
  const p: Policy = { version: 1, file: 'gppart.yaml', hash: 'f00d', tables };
  return { policy: p, actual: new Map(actual.map((a) => [`${a.table.schema}.${a.table.name}`, a])), server, now, toolVersion: '0.1.0' };
}

describe('buildPlan', () => {
  const orders = policy([band('-1 month', '+1 month', '1 month')], { retention: retention('2 years') });
  const events = { ...policy([band('-3 days', '+1 day', '1 day')]), table: { schema: 'sales', name: 'events' } };
  const ordersActual = table([{ from: '2020-01-01', to: '2021-01-01', name: 'orders_p2020', rows: 3 }], { defaultRows: 0 });
  const eventsActual = table([], { name: 'events', defaultRows: 10 });

  it('plans tables in policy order and counts every step kind', () => {
    const plan = buildPlan(input([events, orders], [ordersActual, eventsActual]));
    expect(plan.tables.map((t) => t.table)).toEqual(['sales.events', 'sales.orders']);
    expect(plan.summary).toEqual({ split: 2, merge: 0, move: 0, unload: 0, drop: 1 });
    expect(plan).toMatchObject({ formatVersion: 1, toolVersion: '0.1.0', now: '2024-05-15', policyHash: 'f00d', server });
    expect(plan.tables[1]!.lock).toEqual({ mode: 'shared', timeoutMs: 5000 });
    expect(isEmpty(plan)).toBe(false);
  });

  it('hashes the plan the same however its keys are ordered, and differently when it differs', () => {
    const plan = buildPlan(input([orders], [ordersActual]));
    const shuffled = Object.fromEntries(Object.entries(plan).reverse());
    expect(planHash(shuffled as typeof plan)).toBe(planHash(plan));
    expect(planHash(plan)).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash(buildPlan(input([orders], [ordersActual], '2024-06-15')))).not.toBe(planHash(plan));
  });

  it('is empty once the steps are applied', () => {
    const first = buildPlan(input([orders], [ordersActual]));
    const applied = simulateSteps(ordersActual, first.tables[0]!.steps);
    const second = buildPlan(input([orders], [applied]));
    expect(isEmpty(second)).toBe(true);
    expect(second.summary).toEqual({ split: 0, merge: 0, move: 0, unload: 0, drop: 0 });
  });

  it('refuses a table it has no state for, naming it', () => {
    expect(() => buildPlan(input([orders, events], [ordersActual]))).toThrow(/sales\.events: no introspected state/);
  });

  it('plans one unload per partition past archive.after, and the re-plan of the result is empty', () => {
    const archived: TablePolicy = {
      ...policy([band('-3 years', '+1 month', '1 year')]),
      archive: { after: offset('1 year'), afterText: '1 year', bucket: 'bkt', prefix: '', format: 'parquet', via: 'client', pxfServer: null, beforeDrop: false },
    };
    const actual = table([{ from: '2021-01-01', to: '2022-01-01', name: 'y2021' }, { from: '2022-01-01', to: '2023-01-01', name: 'y2022' }], { defaultRows: 0 });
    const plan = buildPlan(input([archived], [actual]));
    expect(plan.summary.unload).toBe(2);
    expect(plan.tables[0]!.steps.filter((s) => s.kind === 'unload').map((s) => s.archive!.objects[0])).toEqual([
      'sales/orders/2021-01-01_2022-01-01/data.parquet',
      'sales/orders/2022-01-01_2023-01-01/data.parquet',
    ]);
    const after = simulateSteps(actual, plan.tables[0]!.steps);
    expect(after.partitions.some((p) => p.table.name.startsWith('y202'))).toBe(false);
    expect(isEmpty(buildPlan(input([archived], [after])))).toBe(true);
  });
});

describe('canonicalJson', () => {
  // What it must equal: JSON.stringify of a copy with every object's keys sorted.
  const sortedCopy = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortedCopy)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort()
            .map((k) => [k, sortedCopy((v as Record<string, unknown>)[k])]))
        : v;

  it('is JSON.stringify of the value with every object\'s keys sorted', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(JSON.stringify(sortedCopy(v)));
      }),
      { numRuns: 2000 },
    );
    const odd = { b: undefined, a: [undefined, 1, 'x"\u2028'], c: { z: null, y: [] }, 10: 1, 9: 2 };
    expect(canonicalJson(odd)).toBe(JSON.stringify(sortedCopy(odd)));
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "a": 2}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"a":2}');
    expect(() => canonicalJson({ a: NaN })).toThrow(/cannot hold NaN/);
  });
});
