// The timeline model both pictures draw: partitions before and after a plan, marked by the step
// that touches them; periods; runs of alike neighbours collapsed under a bar budget or a width.
import { describe, expect, it } from 'vitest';
import { literalToKey } from '../../../src/plan/keys.js';
import type { ActualTable, Plan, Step } from '../../../src/plan/model.js';
import type { Policy } from '../../../src/policy/types.js';
import { buildPlan } from '../../../src/plan/plan.js';
import { partitionRefs } from '../../../src/apply/snapshot.js';
import { band, policy, retention, table } from '../plan/fixtures.js';
import { changeWord, MIXED, periodOf, runsAtMost, runsForWidth, type TimelinePartition } from '../../../src/render/timeline.js';
import { applyTimeline, planTimeline } from '../../../src/render/timeline-sources.js';
import { demoPlan } from './timeline-fixtures.js';

const k = (s: string) => literalToKey('date', s);

function part(from: string, to: string, over: Partial<TimelinePartition> = {}): TimelinePartition {
  return { name: `p_${from}`, isDefault: false, from: k(from), to: k(to), fromText: from, toText: to, tablespace: null, storage: 'heap', rows: 10, bytes: 1000, change: null, ...over };
}

function days(n: number, start = '2024-01-01', over: Partial<TimelinePartition> = {}): TimelinePartition[] {
  const s = k(start);
  const d = (i: number) => new Date(s + i * 86_400_000).toISOString().slice(0, 10);
  return Array.from({ length: n }, (_, i) => part(d(i), d(i + 1), over));
}

describe('periodOf', () => {
  it('reads calendar periods on the wall clock', () => {
    expect(periodOf(k('2024-01-01'), k('2024-01-02'))).toBe('1 day');
    expect(periodOf(k('2024-01-01'), k('2024-02-01'))).toBe('1 month');
    expect(periodOf(k('2024-02-01'), k('2024-03-01'))).toBe('1 month');
    expect(periodOf(k('2024-01-01'), k('2024-04-01'))).toBe('3 months');
    expect(periodOf(k('2024-01-01'), k('2025-01-01'))).toBe('1 year');
    expect(periodOf(k('2024-07-01'), k('2025-07-01'))).toBe('12 months');
    expect(periodOf(k('2024-01-01'), k('2024-01-08'))).toBe('1 week'); // a Monday
    expect(periodOf(k('2024-01-03'), k('2024-01-10'))).toBe('7 days');
    expect(periodOf(literalToKey('timestamp', '2024-01-01 06:00:00'), literalToKey('timestamp', '2024-01-01 12:00:00'))).toBe('6 hours');
    expect(periodOf(-Infinity, k('2024-01-01'))).toBeNull();
  });
});

describe('runs', () => {
  it('keeps one bar per partition under the budget', () => {
    const runs = runsAtMost(days(30), 40);
    expect(runs).toHaveLength(30);
    expect(runs.every((r) => r.parts.length === 1)).toBe(true);
  });

  it('collapses identical neighbours over the budget, and never across a gap or a difference', () => {
    const parts = [...days(100, '2024-01-01'), ...days(50, '2024-04-10', { change: 'merge' }), ...days(20, '2024-06-01', { tablespace: 'warm' })];
    const runs = runsAtMost(parts, 40);
    expect(runs.map((r) => [r.parts.length, r.change, r.tablespace])).toEqual([
      [100, null, null],
      [50, 'merge', null],
      [20, null, 'warm'],
    ]);
    expect(runs[0]!.rows).toBe(1000);
    expect(runs[0]!.period).toBe('1 day');
    // a gap (2024-04-09 .. 2024-04-10 is missing) separates runs of the same kind
    expect(runs[0]!.to).toBe(k('2024-04-10'));
  });

  it('loosens alikeness step by step: same placement, then the same change', () => {
    const months = [part('2024-01-01', '2024-02-01'), part('2024-02-01', '2024-03-01', { tablespace: 'warm' })];
    const alternating = Array.from({ length: 60 }, (_, i) => {
      const d = days(1, new Date(k('2024-03-01') + i * 86_400_000).toISOString().slice(0, 10))[0]!;
      return { ...d, tablespace: i % 2 ? 'warm' : null };
    });
    const runs = runsAtMost([...months, ...alternating], 10);
    expect(runs.length).toBeLessThanOrEqual(10);
    expect(runs.reduce((n, r) => n + r.parts.length, 0)).toBe(62);
    expect(runs.some((r) => r.tablespace === MIXED)).toBe(true);
  });

  it('collapses by drawn width: narrow runs merge, wide partitions keep their own bar', () => {
    const parts = [...days(365, '2023-01-01'), part('2024-01-01', '2025-01-01'), part('2025-01-01', '2026-01-01', { change: 'split' })];
    const width = (r: { from: number; to: number }) => ((r.to - r.from) / (k('2026-01-01') - k('2023-01-01'))) * 700;
    const runs = runsForWidth(parts, width, 4);
    expect(runs.map((r) => r.parts.length)).toEqual([365, 1, 1]);
    // the bar count is bounded by the width, not the history
    expect(runsForWidth(days(10_000, '1990-01-01'), (r) => ((r.to - r.from) / (10_000 * 86_400_000)) * 700, 4).length).toBe(1);
  });

  it('names changes by kind, and a kind it does not know by its own name', () => {
    expect(changeWord('split', 'after')).toBe('new');
    expect(changeWord('split', 'before')).toBe('split');
    expect(changeWord('drop', 'before')).toBe('dropped');
    expect(changeWord('unload', 'after')).toBe('unloaded');
    expect(changeWord('rebalance', 'after')).toBe('rebalance');
    expect(changeWord(null, 'before')).toBe('unchanged');
  });
});

describe('planTimeline', () => {
  it('draws the partitions before and after the steps, each marked by the step that touches it', () => {
    const { plan, policy } = demoPlan();
    const t = planTimeline(plan, plan.tables[0]!, policy.tables[0]);
    expect(t.note).toBeUndefined();
    const before = new Map(t.before.map((p) => [p.name, p]));
    expect(t.before.filter((p) => !p.isDefault)).toHaveLength(30);
    expect(before.get('orders_p2020')!.change).toBe('drop');
    expect(before.get('orders_p2022_07')!.change).toBe('merge');
    expect(before.get('orders_p2022_01')!.change).toBeNull();
    expect(before.get('orders_p2020')!.rows).toBe(120_000);
    expect(t.before.find((p) => p.isDefault)!.change).toBe('split');

    const after = t.after!;
    expect(after.find((p) => p.name === 'orders_p2020')).toBeUndefined();
    const q3 = after.find((p) => p.fromText === '2022-07-01')!;
    expect(q3).toMatchObject({ toText: '2022-10-01', tablespace: 'warm', storage: 'ao_column', change: 'merge' });
    const may = after.find((p) => p.fromText === '2024-05-01')!;
    expect(may.change).toBe('split');
    expect(after.find((p) => p.name === 'orders_p2022_01')!.change).toBeNull();
    // every after range is disjoint and ordered
    const bounded = after.filter((p) => !p.isDefault);
    for (let i = 1; i < bounded.length; i++) expect(bounded[i]!.from!).toBeGreaterThanOrEqual(bounded[i - 1]!.to!);

    expect(t.now!.at).toBe(k('2024-05-15'));
    expect(t.bands.map((b) => b.label)).toEqual(['band 2: every 1 quarter in warm (-2 years .. -3 months)', 'band 1: every 1 month (-3 months .. +2 months)']);
    expect(t.marks).toEqual([expect.objectContaining({ kind: 'retention', at: k('2021-05-15'), label: 'drop after 3 years' })]);
  });

  it('marks a step kind it has never seen by its reads and produces (structured layouts)', () => {
    const { plan } = demoPlan();
    const t = structuredCopy(plan);
    const tp = t.tables[0]!;
    const p = tp.partitionsBefore!.find((r) => r.name === 'orders_p2022_01')!;
    const step: Step = { kind: 'rebalance' as Step['kind'], reads: [p], produces: [{ ...p, tablespace: 'cold' }], reason: '', estimatedRows: 0, estimatedBytes: 0, call: { name: 'gppart.rebalance', args: [] }, destructive: false };
    tp.steps = [step];
    const tl = planTimeline(t, tp);
    expect(tl.before.find((x) => x.name === 'orders_p2022_01')!.change).toBe('rebalance');
    expect(tl.after!.find((x) => x.fromText === p.from)!.change).toBe('rebalance');
  });

  it("draws the planner's purge and detach steps by their reads and produces, with no code of their own", () => {
    const withStats = (t: ActualTable): ActualTable => ({
      ...t,
      defaultPartition: { ...t.defaultPartition!, rowEstimate: 1000, keyStats: { nullFrac: 0, mcv: [k('2020-06-01')], mcvFreq: [0.3], histogram: [k('2030-01-01'), k('2030-06-01')] } },
    });
    const tp = policy([band('-1 year', '+1 month', '1 year')], { retention: { ...retention('2 years')!, mode: 'detach' }, defaultExpiredRows: 'purge' });
    const actual = withStats(table([{ from: '2020-01-01', to: '2021-01-01', name: 'orders_p2020', rows: 5 }, { from: '2024-01-01', to: '2025-01-01', name: 'orders_p2024', rows: 5 }]));
    const p: Policy = { version: 1, file: 'gppart.yaml', hash: 'h', tables: [tp] };
    const plan = buildPlan({ policy: p, actual: new Map([['sales.orders', actual]]), server: { dialect: 'postgres', version: 'PostgreSQL 17', database: 'd', identity: 'x' }, now: '2024-05-15', toolVersion: '0' });
    plan.tables[0]!.partitionsBefore = partitionRefs(actual);
    expect(plan.tables[0]!.steps.map((s) => s.kind)).toEqual(expect.arrayContaining(['detach', 'purge']));
    const t = planTimeline(plan, plan.tables[0]!, tp);
    expect(t.note).toBeUndefined();
    expect(t.before.find((x) => x.name === 'orders_p2020')!.change).toBe('detach');
    expect(t.before.find((x) => x.isDefault)!.change).toBe('purge');
    expect(t.after!.find((x) => x.name === 'orders_p2020')).toBeUndefined();
    expect(t.after!.find((x) => x.isDefault)).toBeDefined();
    expect(changeWord('detach', 'before')).toBe('detached');
  });

  it('says so for a plan whose layouts are not entries (an older plan file)', () => {
    const { plan } = demoPlan();
    (plan.tables[0]! as { layoutBefore: unknown[] }).layoutBefore = ['orders_p2020 [2020-01-01, 2021-01-01) ~120000 rows'];
    const tl = planTimeline(plan, plan.tables[0]!);
    expect(tl.after).toBeNull();
    expect(tl.note).toMatch(/does not list its partitions as layout entries/);
  });
});

/** The plan with layouts as structured entries (name, bounds, placement, size), as a plan may carry them. */
function structuredCopy(plan: Plan): Plan {
  const copy = JSON.parse(JSON.stringify(plan)) as Plan;
  for (const t of copy.tables) {
    const entries = t.partitionsBefore!.map((r) => ({ name: r.name, isDefault: r.isDefault, ...(r.isDefault ? {} : { from: r.from, to: r.to }), tablespace: r.tablespace ?? null, storage: 'heap', rows: 1, bytes: 100 }));
    (t as unknown as { layoutBefore: unknown[] }).layoutBefore = entries;
    (t as unknown as { layoutAfter: unknown[] }).layoutAfter = entries.map((e) => (e.name === 'orders_p2022_01' ? { ...e, tablespace: 'cold' } : e));
  }
  return copy;
}

describe('applyTimeline', () => {
  const snap = (name: string, from: string, to: string, over: object = {}) => ({ name, schema: 's', isDefault: false, from, to, tablespace: null, storage: 'heap', rowEstimate: 5, bytes: 50, ...over });
  it('reads changes off the snapshots and names removed partitions by the journal step that names them', () => {
    const before = [
      snap('p1', '2024-01-01', '2024-02-01'),
      snap('p2', '2024-02-01', '2024-03-01'),
      snap('p3', '2024-03-01', '2024-04-01'),
      snap('p4', '2024-04-01', '2024-05-01'),
      snap('p5', '2024-05-01', '2024-06-01'),
      { name: 'd', schema: 's', isDefault: true, tablespace: null, storage: 'heap', rowEstimate: 1, bytes: 1 },
    ];
    const after = [
      snap('q1', '2024-02-01', '2024-04-01'),
      snap('p4', '2024-04-01', '2024-05-01', { tablespace: 'warm' }),
      snap('p6', '2024-06-01', '2024-07-01'),
      before[5]!,
    ];
    const steps = [{ table: 's.t', kind: 'unload', call: "SELECT gppart.unload_finish('s', 't', 's', 'p5', …)", status: 'done' }];
    const t = applyTimeline('s.t', before, after, steps);
    const change = (xs: typeof t.before, n: string) => xs.find((p) => p.name === n)!.change;
    expect(t.keyType).toBe('date');
    expect(change(t.before, 'p1')).toBe('drop');
    expect(change(t.before, 'p2')).toBe('merge');
    expect(change(t.before, 'p3')).toBe('merge');
    expect(change(t.before, 'p4')).toBe('move');
    expect(change(t.before, 'p5')).toBe('unload');
    expect(change(t.after!, 'q1')).toBe('merge');
    expect(change(t.after!, 'p4')).toBe('move');
    expect(change(t.after!, 'p6')).toBe('split');
    expect(change(t.after!, 'd')).toBeNull();
  });

  it('has no after picture for an apply that did not finish, and says so', () => {
    const t = applyTimeline('s.t', [snap('p1', '2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00')], null, []);
    expect(t.keyType).toBe('timestamptz');
    expect(t.after).toBeNull();
    expect(t.note).toMatch(/did not finish/);
  });
});
