// Each planner pass alone, on a context built the way planTable builds it.
import { describe, expect, it } from 'vitest';
import { literalToKey } from '../../../src/plan/keys.js';
import type { Step } from '../../../src/plan/model.js';
import { NameAllocator, STANDARD_NAMING } from '../../../src/plan/names.js';
import { archivePass } from '../../../src/plan/passes/archive.js';
import { overlapComponents } from '../../../src/plan/passes/components.js';
import { planContext, type BoundedPartition } from '../../../src/plan/passes/context.js';
import { ensureDefaultPass, forbiddenDefaultPass } from '../../../src/plan/passes/default-partition.js';
import { localObjectsPass } from '../../../src/plan/passes/local-objects.js';
import { moveStep } from '../../../src/plan/passes/moves.js';
import { refusalsPass } from '../../../src/plan/passes/refusals.js';
import { reshapePass } from '../../../src/plan/passes/reshape.js';
import { retentionPass } from '../../../src/plan/passes/retention.js';
import { splitPass } from '../../../src/plan/passes/split.js';
import { stepLimitPass } from '../../../src/plan/passes/step-limit.js';
import { storageKey, storagePass } from '../../../src/plan/passes/storage.js';
import { band, policy, retention, table } from './fixtures.js';
import { planTable } from '../../../src/plan/diff.js';

const NOW = '2024-05-15';
const monthly = policy([band('-4 months', '+1 month', '1 month', { tablespace: 'warm' })]); // February .. May
const d = (s: string): number => literalToKey('date', s);

function fakeStep(kind: Step['kind'], reads: Step['reads'] = []): Step {
  return { kind, reads, produces: [], reason: '', estimatedRows: 0, estimatedBytes: 0, call: { name: 'gppart.x', args: [] }, destructive: false };
}

describe('NameAllocator', () => {
  it('never hands out a taken or already allocated name, unless the step consumes its owner', () => {
    const names = new NameAllocator('orders', STANDARD_NAMING, ['orders_p2024_01', 'orders_p2024_02']);
    const rel = (suffix: string, reusable?: Set<string>): string => names.allocate(suffix, reusable).relation;
    expect(rel('_p2024_01')).toBe('orders_p2024_01_2');
    expect(rel('_p2024_01')).toBe('orders_p2024_01_3');
    expect(rel('_p2024_02', new Set(['orders_p2024_02']))).toBe('orders_p2024_02');
    expect(rel('_p2024_02', new Set(['orders_p2024_02']))).toBe('orders_p2024_02_2');
    names.release('orders_p2024_01');
    expect(rel('_p2024_01')).toBe('orders_p2024_01');
  });
});

describe('retentionPass', () => {
  it('drops what ends before drop_after and frees the names', () => {
    const p = policy([band('-1 month', '+1 month', '1 month')], { retention: retention('1 year') });
    const ctx = planContext(p, table([
      { from: '2022-01-01', to: '2023-01-01', name: 'orders_p2024_05', rows: 3 },
      { from: '2023-01-01', to: '2023-06-01', name: 'orders_recent' },
    ]), NOW);
    const { drops, live } = retentionPass(ctx);
    expect(drops.map((s) => s.call.args[3])).toEqual(['orders_p2024_05']);
    expect(drops[0]!).toMatchObject({ kind: 'drop', destructive: true, estimatedRows: 3 });
    expect(live.map((p) => p.table.name)).toEqual(['orders_recent']);
    // The dropped partition's name is free for the new May partition.
    expect(ctx.names.allocate('_p2024_05').relation).toBe('orders_p2024_05');
  });

  it('keeps everything without retention', () => {
    const ctx = planContext(monthly, table([{ from: '2000-01-01', to: '2001-01-01' }]), NOW);
    expect(retentionPass(ctx)).toMatchObject({ drops: [], live: [{ table: { name: 'orders_old0' } }] });
  });
});

describe('default-partition passes', () => {
  it('ensure creates a DEFAULT only where there is none', () => {
    const ensure = policy(monthly.layout, { defaultPartition: 'ensure' });
    const none = ensureDefaultPass(planContext(ensure, table([], { defaultRows: null }), NOW));
    expect(none.steps.map((s) => s.call)).toEqual([{ name: 'gppart.create_default', args: ['sales', 'orders', 'orders_default', null] }]);
    expect(none.defaultPartition).toMatchObject({ isDefault: true, table: { name: 'orders_default' }, rowEstimate: 0 });
    const has = ensureDefaultPass(planContext(ensure, table([], { defaultRows: 5 }), NOW));
    expect(has).toMatchObject({ steps: [], defaultPartition: { rowEstimate: 5 } });
    expect(ensureDefaultPass(planContext(monthly, table([], { defaultRows: null }), NOW))).toEqual({ steps: [], defaultPartition: null });
  });

  it('ensure takes a free name when orders_default belongs to a partition', () => {
    const ensure = policy(monthly.layout, { defaultPartition: 'ensure' });
    const ctx = planContext(ensure, table([{ from: '2000-01-01', to: '2001-01-01', name: 'orders_default' }], { defaultRows: null }), NOW);
    expect(ensureDefaultPass(ctx).steps[0]!.call.args[2]).toBe('orders_default_2');
  });

  it('forbid warns about rows in the DEFAULT, keep does not', () => {
    const forbid = planContext(policy(monthly.layout, { defaultPartition: 'forbid' }), table([], { defaultRows: 7 }), NOW);
    forbiddenDefaultPass(forbid, forbid.actual.defaultPartition);
    expect(forbid.warnings).toEqual(['default_partition: forbid: DEFAULT partition orders_default holds ~7 rows']);
    const keep = planContext(monthly, table([], { defaultRows: 7 }), NOW);
    forbiddenDefaultPass(keep, keep.actual.defaultPartition);
    expect(keep.warnings).toEqual([]);
  });
});

describe('overlapComponents', () => {
  it('groups transitively overlapping partitions and periods, oldest first', () => {
    const ctx = planContext(monthly, table([
      { from: '2024-02-15', to: '2024-03-15', name: 'a' },
      { from: '2024-03-15', to: '2024-04-01', name: 'b' },
      { from: '2024-05-01', to: '2024-06-01', name: 'c' },
      { from: '2030-01-01', to: '2031-01-01', name: 'outside' },
    ]), NOW);
    const groups = overlapComponents(ctx.bounded, ctx.target.partitions).map((c) => [c.sources.map((s) => s.table.name), c.targets.map((t) => t.name)]);
    expect(groups).toEqual([
      [['a', 'b'], ['orders_p2024_02', 'orders_p2024_03']],
      [[], ['orders_p2024_04']],
      [['c'], ['orders_p2024_05']],
      [['outside'], []],
    ]);
  });
});

describe('moveStep', () => {
  it('moves a partition with the right bounds into the wanted tablespace, and leaves a policy without one alone', () => {
    const ctx = planContext(monthly, table([{ from: '2024-05-01', to: '2024-06-01', name: 'orders_p2024_05' }]), NOW);
    const p = ctx.bounded[0]!;
    const t = ctx.target.partitions.find((x) => x.range.from === p.range.from)!;
    expect(moveStep(ctx, p, t)!.call).toEqual({
      name: 'gppart.move_partition',
      args: ['sales', 'orders', 'sales', 'orders_p2024_05', '2024-05-01', '2024-06-01', 'warm'],
    });
    expect(moveStep(ctx, { ...p, tablespace: 'warm' }, t)).toBeNull();
    expect(moveStep(ctx, p, { ...t, tablespace: null })).toBeNull();
  });
});

describe('reshapePass', () => {
  it('sorts groups into missing periods, merges and moves', () => {
    const ctx = planContext(monthly, table([
      { from: '2024-02-01', to: '2024-02-15', name: 'half1' },
      { from: '2024-02-15', to: '2024-03-01', name: 'half2' },
      { from: '2024-05-01', to: '2024-06-01', name: 'orders_p2024_05' },
    ]), NOW);
    const r = reshapePass(ctx, ctx.bounded, ctx.actual.defaultPartition);
    expect(r.missing.map((t) => t.name)).toEqual(['orders_p2024_03', 'orders_p2024_04']);
    expect(r.merges.map((m) => [m.from, m.step.call.args[3], m.step.call.args[6]])).toEqual([[d('2024-02-01'), ['half1', 'half2'], ['orders_p2024_02']]]);
    expect(r.moves.map((s) => s.call.args[3])).toEqual(['orders_p2024_05']);
  });

  it('warns instead of merging what only a DEFAULT could take when there is none', () => {
    const ctx = planContext(monthly, table([{ from: '2024-01-20', to: '2024-02-10', name: 'odd', rows: 21 }], { defaultRows: null }), NOW);
    const r = reshapePass(ctx, ctx.bounded, null);
    expect(r.merges).toEqual([]);
    expect(ctx.warnings).toEqual([
      'not realigning [2024-01-20, 2024-03-01): odd [2024-01-20, 2024-02-10) also cover [2024-01-20, 2024-02-01) (~12 rows), ' +
        'which no wanted period covers, and the table has no DEFAULT partition to take them',
    ]);
  });
});

describe('splitPass', () => {
  it('splits the missing periods out of the DEFAULT, one step per storage', () => {
    const p = policy([band('-1 month', '+1 month', '1 month'), band('-3 months', '-1 month', '1 month', { storage: 'appendonly=true' })]);
    const ctx = planContext(p, table([], { defaultRows: 100 }), NOW);
    const splits = splitPass(ctx, ctx.target.partitions, ctx.actual.defaultPartition);
    expect(splits.map((s) => [s.step.call.args[4], s.step.call.args[6]])).toEqual([
      [['orders_p2024_03'], 'appendonly=true'],
      [['orders_p2024_04', 'orders_p2024_05'], null],
    ]);
    expect(splits[0]!.step.reads.map((r) => r.name)).toEqual(['orders_default']);
  });

  it('creates empty partitions without a DEFAULT', () => {
    const ctx = planContext(monthly, table([], { defaultRows: null }), NOW);
    const [split] = splitPass(ctx, ctx.target.partitions.slice(0, 1), null);
    expect(split!.step).toMatchObject({ reads: [], estimatedRows: 0 });
    expect(split!.step.reason).toMatch(/start empty/);
  });
});

describe('archivePass', () => {
  const archive = (over: Partial<NonNullable<ReturnType<typeof policy>['archive']>> = {}) => ({
    after: { years: 1 }, afterText: '1 year', bucket: 'dp-partition', prefix: 'warehouse', format: 'parquet' as const,
    via: 'client' as const, pxfServer: null, beforeDrop: false, ...over,
  });
  const old = table([
    { from: '2020-01-01', to: '2021-01-01', name: 'y2020', rows: 5 },
    { from: '2023-01-01', to: '2023-06-01', name: 'straddles', rows: 7 },
  ]);

  it('unloads each partition wholly older than archive.after, naming the exact keys and what follows', () => {
    const ctx = planContext(policy(monthly.layout, { archive: archive() }), old, NOW);
    const r = archivePass(ctx, [], ctx.bounded);
    expect(r.unloads.map((u) => u.reads[0]!.name)).toEqual(['y2020']);
    const u = r.unloads[0]!;
    expect(u).toMatchObject({ kind: 'unload', destructive: true, produces: [], estimatedRows: 5 });
    expect(u.archive).toEqual({
      format: 'parquet', via: 'client', bucket: 'dp-partition', folder: 'warehouse/sales/orders/2020-01-01_2021-01-01/',
      objects: ['warehouse/sales/orders/2020-01-01_2021-01-01/data.parquet'], manifest: 'warehouse/sales/orders/2020-01-01_2021-01-01/_manifest.json', then: 'drop',
    });
    expect(u.call).toEqual({ name: 'gppart.unload_finish', args: ['sales', 'orders', 'sales', 'y2020', '2020-01-01', '2021-01-01', 's3://dp-partition/warehouse/sales/orders/2020-01-01_2021-01-01/', 'parquet'] });
    expect(u.reason).toBe('archive after 1 year: [2020-01-01, 2021-01-01) ends on or before 2023-05-15; then the partition is dropped');
    expect(r.live.map((p) => p.table.name)).toEqual(['straddles']);
    expect(r.cutoff).toBe(d('2023-05-15'));
    const none = planContext(monthly, old, NOW);
    expect(archivePass(none, [], none.bounded)).toEqual({ beforeDrops: [], drops: [], unloads: [], live: none.bounded, cutoff: null });
  });

  it('through PXF the partition stays as an external one; an external partition is never unloaded again', () => {
    const ctx = planContext(policy([], { archive: archive({ via: 'pxf', pxfServer: 'minio', format: 'csv.gz' }) }), table([
      { from: '2019-01-01', to: '2020-01-01', name: 'gone', storage: 'external' },
      { from: '2020-01-01', to: '2021-01-01', name: 'y2020' },
    ]), NOW, 'greenplum6');
    const r = archivePass(ctx, [], ctx.bounded);
    expect(r.unloads.map((u) => [u.reads[0]!.name, u.call.name, u.call.args.at(-1), u.archive!.then, u.produces.length])).toEqual([['y2020', 'gppart.unload_pxf', 'minio', 'external', 1]]);
    expect(r.unloads[0]!.reason).toMatch(/then it is replaced by an external partition over the objects \(PXF\)/);
  });

  it('via: pxf on a server that is not Greenplum 6 stops the plan', () => {
    const ctx = planContext(policy([], { archive: archive({ via: 'pxf', pxfServer: 'minio' }) }), old, NOW, undefined, 'postgres');
    expect(archivePass(ctx, [], ctx.bounded).unloads).toEqual([]);
    expect(ctx.blocking).toEqual(['archive via: pxf needs Greenplum 6 with PXF; this server is postgres: use via: client']);
  });

  it('before_drop: what retention drops is archived first (client: instead of the drop; pxf: before it)', () => {
    const expired = table([{ from: '2010-01-01', to: '2011-01-01', name: 'y2010' }, { from: '2020-01-01', to: '2021-01-01', name: 'y2020' }]);
    for (const [via, kinds] of [['client', ['unload', 'unload']], ['pxf', ['unload', 'drop', 'unload']]] as const) {
      const p = policy([], { archive: archive({ beforeDrop: true, via, pxfServer: via === 'pxf' ? 'minio' : null }), retention: retention('10 years') });
      const ctx = planContext(p, expired, NOW, undefined, 'greenplum6');
      const ret = retentionPass(ctx);
      const r = archivePass(ctx, ret.drops, ret.live);
      expect([...r.beforeDrops, ...r.drops, ...r.unloads].map((s) => s.kind)).toEqual(kinds);
      expect(r.beforeDrops[0]!.reason).toMatch(/^archive.before_drop: retention drop_after 10 years: .*so it is archived first/);
    }
    const plain = planContext(policy([], { archive: archive(), retention: retention('10 years') }), expired, NOW);
    const ret = retentionPass(plain);
    expect(archivePass(plain, ret.drops, ret.live).drops.map((s) => s.kind)).toEqual(['drop']);
  });

  it('reshaping leaves external partitions alone, with a warning, and does not recreate archived periods', () => {
    const p = policy([band('-3 years', '+1 month', '1 year')], { archive: archive({ via: 'pxf', pxfServer: 'minio' }) });
    // ext straddles the cutoff (2023-05-15), so the band's 2023 would merge it with half: refused.
    const t = table([{ from: '2021-01-01', to: '2022-01-01', name: 'y2021' }, { from: '2023-01-01', to: '2023-07-01', name: 'ext', storage: 'external' }, { from: '2023-07-01', to: '2024-01-01', name: 'half' }]);
    const ctx = planContext(p, t, NOW, undefined, 'greenplum6');
    const r = archivePass(ctx, [], ctx.bounded);
    expect(r.unloads.map((u) => u.reads[0]!.name)).toEqual(['y2021']);
    const shaped = reshapePass(ctx, r.live, t.defaultPartition, r.cutoff);
    expect(shaped.merges).toEqual([]);
    // 2021 and 2022 are archive's now: not split back out of the DEFAULT.
    expect(shaped.missing).toEqual([]);
    expect(ctx.warnings.join('\n')).toMatch(/not reshaping ext \[2023-01-01, 2023-07-01\): external \(archived\) partition\(s\) are never rewritten or moved/);
  });
});

describe('refusalsPass', () => {
  const steps = [fakeStep('drop'), fakeStep('split'), fakeStep('split', [{ name: 'd', schema: 's', isDefault: true }]), fakeStep('merge'), fakeStep('move')];

  it('holds back what a foreign key forbids and says so', () => {
    const ctx = planContext(monthly, { ...table([]), referencedBy: ['fk on sales.lines'] }, NOW);
    expect(refusalsPass(ctx, steps).map((s) => s.kind)).toEqual(['split', 'move']);
    expect(ctx.warnings).toEqual(['referenced by foreign key fk on sales.lines: its partitions cannot be detached or dropped, so 3 step(s) (drop, split, merge) are not planned']);
  });

  it('holds back rewrites of a published table, and nothing of an ordinary one', () => {
    const ctx = planContext(monthly, { ...table([]), publishedIn: ['pub'] }, NOW);
    expect(refusalsPass(ctx, steps).map((s) => s.kind)).toEqual(['drop', 'split', 'move']);
    const plain = planContext(monthly, table([]), NOW);
    expect(refusalsPass(plain, steps)).toEqual(steps);
    expect(plain.warnings).toEqual([]);
  });
});

describe('localObjectsPass', () => {
  it('names what a merge source has of its own', () => {
    const actual = table([{ from: '2024-01-01', to: '2024-02-01', name: 'jan' }]);
    (actual.partitions[0] as BoundedPartition).localObjects = ['index jan_x'];
    const ctx = planContext(monthly, actual, NOW);
    localObjectsPass(ctx, [fakeStep('merge', [{ name: 'jan', schema: 'sales', isDefault: false }]), fakeStep('move', [{ name: 'jan', schema: 'sales', isDefault: false }])]);
    expect(ctx.warnings).toEqual(["jan has index jan_x of its own; the merge rebuilds it from the parent's definition and does not keep them"]);
  });
});

describe('stepLimitPass', () => {
  it('keeps the first max_steps_per_table steps and counts the rest', () => {
    const steps = [fakeStep('drop'), fakeStep('split'), fakeStep('move')];
    expect(stepLimitPass(planContext(policy(monthly.layout, { maxStepsPerTable: 2 }), table([]), NOW), steps)).toEqual({ steps: steps.slice(0, 2), deferred: 1 });
    expect(stepLimitPass(planContext(monthly, table([]), NOW), steps)).toEqual({ steps, deferred: 0 });
  });
});

describe('storagePass', () => {
  const AO = 'appendonly=true, compresslevel=1, compresstype=zstd, orientation=column';
  /** Three monthly partitions on wanted periods, the middle one heap under an AO parent. */
  function drifted(over: { storage?: string } = {}) {
    const p = policy([band('-4 months', '+1 month', '1 month', over.storage ? { storage: over.storage } : {})]);
    const t = table([
      { from: '2024-02-01', to: '2024-03-01', name: 'orders_feb' },
      { from: '2024-03-01', to: '2024-04-01', name: 'orders_mar' },
      { from: '2024-04-01', to: '2024-05-01', name: 'orders_apr' },
    ]);
    t.options = AO;
    t.partitions.forEach((x, i) => (x.options = i === 1 ? '' : AO));
    t.partitions[1]!.storage = 'heap';
    const ctx = planContext(p, t, NOW);
    return { ctx, live: ctx.bounded };
  }

  it('compares options whatever their order, spacing or case', () => {
    expect(storageKey('appendonly=true, orientation=column')).toBe(storageKey('ORIENTATION = column,appendonly=TRUE'));
    expect(storageKey('')).toBe('');
  });

  it('reports a partition unlike the parent when the policy names no storage, and rewrites nothing', () => {
    const { ctx, live } = drifted();
    expect(storagePass(ctx, live).rewrites).toEqual([]);
    expect(ctx.warnings).toEqual([
      `1 partition(s) have other storage options than the parent's (${AO}), which the policy asks for by naming no storage: orders_mar (heap); gppart leaves them as they are unless the policy names the storage they should have`,
    ]);
  });

  it('rewrites a partition whose storage is not the one the policy names', () => {
    const { ctx, live } = drifted({ storage: 'appendonly=true, orientation=column, compresstype=zstd, compresslevel=1' });
    const { rewrites, rewritten } = storagePass(ctx, live);
    expect(ctx.warnings).toEqual([]);
    expect(rewrites).toHaveLength(1);
    expect(rewrites[0]!.step).toMatchObject({
      kind: 'merge',
      reads: [{ name: 'orders_mar' }],
      call: { name: 'gppart.merge_partitions', args: ['sales', 'orders', ['sales'], ['orders_mar'], ['2024-03-01'], ['2024-04-01'], [expect.any(String)], [null], 'appendonly=true, orientation=column, compresstype=zstd, compresslevel=1'] },
    });
    expect(rewrites[0]!.step.reason).toMatch(/wants \[2024-03-01, 2024-04-01\) with storage appendonly=true.*; orders_mar has none \(heap\), so it is rewritten/);
    expect([...rewritten]).toEqual(['sales.orders_mar']);
  });

  it('in planTable: the rewrite replaces the move into the band tablespace, unless the server would refuse the rewrite', () => {
    const storage = 'appendonly=true, orientation=column, compresstype=zstd, compresslevel=1';
    const kinds = (published: boolean) => {
      const p = policy([band('-4 months', '+1 month', '1 month', { storage, tablespace: 'warm' })]);
      const t = table([{ from: '2024-03-01', to: '2024-04-01', name: 'orders_mar' }]);
      t.options = '';
      t.partitions[0]!.options = '';
      if (published) t.publishedIn = ['pub'];
      return planTable(p, t, NOW).steps.filter((s) => s.reads.some((r) => r.name === 'orders_mar')).map((s) => s.kind);
    };
    expect(kinds(false)).toEqual(['merge']);
    // Published: a merge would not replicate, so it is not planned; the partition still moves.
    expect(kinds(true)).toEqual(['move']);
  });

  it('does nothing where the driver reports no options', () => {
    const ctx = planContext(policy([band('-4 months', '+1 month', '1 month', { storage: 'fillfactor=70' })]), table([{ from: '2024-03-01', to: '2024-04-01' }]), NOW);
    expect(storagePass(ctx, ctx.bounded).rewrites).toEqual([]);
    expect(ctx.warnings).toEqual([]);
  });
});
