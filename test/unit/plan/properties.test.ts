// Invariants of the planner over random policies, clocks and table states.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floorKey, isAligned, localMidnightToKey, nextBoundary, resolveOffset, today, type KeyAxis } from '../../../src/plan/calendar.js';
import { planTable } from '../../../src/plan/diff.js';
import type { ActualPartition, ActualTable, Every, KeyRange, KeyType, StorageKind } from '../../../src/plan/model.js';
import { buildPlan, canonicalJson } from '../../../src/plan/plan.js';
import { callFor, storageArgIndex } from '../../../src/plan/call.js';
import { checkPlanSteps } from '../../../src/workflow/planfile.js';
import { simulateSteps, subtractRanges, unionRanges } from '../../../src/plan/simulate.js';
import { targetLayout } from '../../../src/plan/target.js';
import type { Band, Policy, RelativeOffset, TablePolicy } from '../../../src/policy/types.js';
import { parseNaming, type NamingPattern } from '../../../src/policy/naming.js';
import { GREENPLUM6_NAMING } from '../../../src/catalog/greenplum6.js';

const EVERIES: Every[] = [
  { unit: 'day', count: 1 },
  { unit: 'week', count: 1 },
  { unit: 'month', count: 1 },
  { unit: 'month', count: 2 },
  { unit: 'month', count: 3 },
  { unit: 'month', count: 4 },
  { unit: 'month', count: 6 },
  { unit: 'year', count: 1 },
];
const ZONES = ['UTC', 'Europe/Moscow', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
const TABLESPACES = [null, 'warm', 'cold'];

type Unit = 'days' | 'weeks' | 'months' | 'years';
const UNIT_SPAN: Record<Unit, [number, number]> = { days: [-500, 40], weeks: [-150, 8], months: [-60, 6], years: [-8, 1] };

interface Scenario {
  policy: TablePolicy;
  actual: ActualTable;
  now: string;
}

const bandsArb = fc
  .record({
    unit: fc.constantFrom<Unit>('days', 'weeks', 'months', 'years'),
    n: fc.integer({ min: 1, max: 3 }),
    seed: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 12, maxLength: 12 }),
  })
  .map(({ unit, n, seed }) => {
    const [lo, hi] = UNIT_SPAN[unit];
    const width = hi - lo;
    // 2n strictly increasing-or-touching cut points: bands [c0,c1), [c2,c3) … where c1 may equal c2.
    const cuts: number[] = [];
    let at = lo + (seed[0]! % Math.max(1, Math.floor(width / 4)));
    for (let i = 0; i < 2 * n; i++) {
      cuts.push(at);
      const isGap = i % 2 === 1;
      const step = isGap ? (seed[i + 1]! % 3 === 0 ? 1 + (seed[i + 1]! % 4) : 0) : 1 + (seed[i + 1]! % Math.max(1, Math.floor(width / n)));
      at += step;
    }
    const bands: Band[] = [];
    for (let i = 0; i < n; i++) {
      const from: RelativeOffset = { [unit]: cuts[2 * i]! };
      const to: RelativeOffset = { [unit]: cuts[2 * i + 1]! };
      const every = EVERIES[seed[6 + i]! % EVERIES.length]!;
      bands.push({
        from,
        to,
        every,
        tablespace: TABLESPACES[seed[9 + i]! % 3]!,
        storage: seed[9 + i]! % 5 === 0 ? 'appendonly=true, orientation=column' : null,
        fromText: `${cuts[2 * i]} ${unit}`,
        toText: `${cuts[2 * i + 1]} ${unit}`,
        everyText: `${every.count} ${every.unit}`,
      });
    }
    // With days as the unit and days as the grid, thousands of periods would only slow the test.
    return bands.reverse(); // newest first, as written
  });

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    bands: bandsArb,
    keyType: fc.constantFrom<KeyType>('date', 'timestamp', 'timestamptz'),
    zone: fc.constantFrom(...ZONES),
    nowDay: fc.integer({ min: 0, max: 7 * 365 }),
    retentionMonths: fc.option(fc.integer({ min: 1, max: 96 }), { nil: null }),
    // Archive only warns today, but its warning simulates the steps: it must never trip on them.
    archiveMonths: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
    defaultPartition: fc.constantFrom<'keep' | 'ensure' | 'forbid'>('keep', 'keep', 'ensure', 'forbid'),
    // Retention that detaches (into another schema or in place), DEFAULT rows purged, a naming pattern.
    retentionMode: fc.constantFrom<'drop' | 'detach' | 'detach-attic'>('drop', 'drop', 'detach', 'detach-attic'),
    purgeExpired: fc.boolean(),
    naming: fc.constantFrom<string | null>(null, null, '{period}', '{yyyy}_{mm}_{dd}_w{ww}_{iyyy}'),
    defaultRows: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
    parts: fc.array(
      fc.record({
        gapDays: fc.integer({ min: 0, max: 90 }),
        lenKind: fc.constantFrom('day', 'week', 'month', 'quarter', 'year', 'odd'),
        oddDays: fc.integer({ min: 1, max: 200 }),
        utcMidnight: fc.boolean(),
        rows: fc.constantFrom(0, 0, 10, 1000, 123_456),
        tablespace: fc.constantFrom(...TABLESPACES),
      }),
      { maxLength: 25 },
    ),
    startDaysBack: fc.integer({ min: 0, max: 9 * 365 }),
    openEnds: fc.constantFrom('none', 'min', 'max', 'both'),
  })
  .map((r) => {
    const now = new Date(Date.UTC(2020, 0, 1) + r.nowDay * 86_400_000).toISOString().slice(0, 10);
    const policy: TablePolicy = {
      table: { schema: 'sales', name: 'orders' },
      layout: r.bands,
      archive:
        r.archiveMonths === null
          ? null
          : { after: { months: r.archiveMonths }, afterText: `${r.archiveMonths} months`, bucket: 'bkt', prefix: '', format: 'parquet', via: 'client', pxfServer: null, beforeDrop: false },
      retention:
        r.retentionMonths === null
          ? null
          : {
              dropAfter: { months: r.retentionMonths },
              dropAfterText: `${r.retentionMonths} months`,
              ...(r.retentionMode === 'drop' ? {} : { mode: 'detach' as const }),
              ...(r.retentionMode === 'detach-attic' ? { detachSchema: 'attic' } : {}),
            },
      defaultPartition: r.defaultPartition,
      ...(r.purgeExpired ? { defaultExpiredRows: 'purge' as const } : {}),
      ...(r.naming === null ? {} : { naming: namingPattern(`{table}_${r.naming}`) }),
      timezone: r.zone,
      storage: null,
      tablespace: null,
      lock: { mode: 'shared', timeoutMs: 1000 },
      maxStepsPerTable: 0,
      pos: { file: 'p.yaml', line: 1, col: 1 },
    };
    const axis: KeyAxis = { keyType: r.keyType, zone: r.zone };
    const wall: KeyAxis = { keyType: 'date', zone: 'UTC' };
    // Partitions laid end to end (with gaps) from some day in the past, in calendar-ish sizes.
    let day = today(now, r.zone).minus({ days: r.startDaysBack });
    const keyOf = (d: typeof day, utc: boolean): number =>
      r.keyType === 'timestamptz' && utc ? localMidnightToKey(wall, d) : localMidnightToKey(axis, d);
    const partitions: ActualPartition[] = [];
    r.parts.forEach((p, i) => {
      let start = day.plus({ days: p.gapDays });
      let end: typeof day;
      switch (p.lenKind) {
        case 'day': end = start.plus({ days: 1 }); break;
        case 'week': start = start.startOf('week'); end = start.plus({ weeks: 1 }); break;
        case 'month': start = start.startOf('month'); end = start.plus({ months: 1 }); break;
        case 'quarter': start = start.startOf('quarter'); end = start.plus({ months: 3 }); break;
        case 'year': start = start.startOf('year'); end = start.plus({ years: 1 }); break;
        default: end = start.plus({ days: p.oddDays });
      }
      if (start < day) return; // would overlap the previous one after snapping
      const range: KeyRange = { from: keyOf(start, p.utcMidnight), to: keyOf(end, p.utcMidnight) };
      const prev = partitions.at(-1);
      if (prev && range.from < prev.range!.to) return;
      if (!(range.from < range.to)) return;
      partitions.push(part(`orders_x${i}`, range, p.rows, p.tablespace));
      day = end;
    });
    if ((r.openEnds === 'min' || r.openEnds === 'both') && partitions.length) {
      partitions.unshift(part('orders_min', { from: -Infinity, to: partitions[0]!.range!.from }, 77, null));
    }
    if ((r.openEnds === 'max' || r.openEnds === 'both') && partitions.length) {
      partitions.push(part('orders_max', { from: partitions.at(-1)!.range!.to, to: Infinity }, 0, null));
    }
    const actual: ActualTable = {
      table: { schema: 'sales', name: 'orders' },
      keyColumn: 'ts',
      keyType: r.keyType,
      partitions,
      defaultPartition:
        r.defaultRows === null
          ? null
          : { table: { schema: 'sales', name: 'orders_default' }, isDefault: true, tablespace: null, storage: 'heap', rowEstimate: r.defaultRows, bytes: r.defaultRows },
      owner: 'o',
      tablespace: null,
    };
    return { policy, actual, now };
  });

function part(name: string, range: KeyRange, rows: number, tablespace: string | null, storage: StorageKind = 'heap'): ActualPartition {
  return { table: { schema: 'sales', name }, isDefault: false, range, tablespace, storage, rowEstimate: rows, bytes: rows * 10 };
}

function namingPattern(text: string): NamingPattern {
  const r = parseNaming(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const totalRows = (t: ActualTable): number =>
  t.partitions.reduce((s, p) => s + p.rowEstimate, 0) + (t.defaultPartition?.rowEstimate ?? 0);

const RUNS = { numRuns: 300 };

describe('planner invariants', () => {
  it('(a) the target layout has no overlaps, no gaps inside a run of bands, and only documented unaligned edges', () => {
    fc.assert(
      fc.property(scenarioArb, ({ policy, actual, now }) => {
        const axis: KeyAxis = { keyType: actual.keyType, zone: policy.timezone };
        const layout = targetLayout(policy, actual.keyType, now, 'orders');
        const ps = layout.partitions;
        // Which bands touch: a run of adjacent bands must be covered without gaps.
        const resolved = policy.layout.map((b, i) => ({ i, from: resolveOffset(axis, now, b.from), to: resolveOffset(axis, now, b.to) }));
        const touching = (a: number, b: number): boolean => {
          const x = resolved[a]!;
          const y = resolved[b]!;
          return a === b || x.to === y.from || y.to === x.from;
        };
        const names = new Set<string>();
        ps.forEach((p, k) => {
          expect(p.range.from).toBeLessThan(p.range.to);
          expect(Buffer.byteLength(p.name)).toBeLessThanOrEqual(63);
          names.add(p.name);
          if (layout.dropBefore !== null) expect(p.range.to).toBeGreaterThan(layout.dropBefore);
          const aligned = isAligned(axis, p.range.from, p.every) && nextBoundary(axis, p.range.from, p.every) === p.range.to;
          if (!aligned) {
            expect(p.clipped).toBeDefined();
            // Clipping happens only where the band hands over to another band, on that band's
            // grid (the other band may own no whole period there: squeezed out by a coarser grid).
            const atLeft = floorKey(axis, p.range.from, p.every) !== p.range.from;
            const edge = atLeft ? p.range.from : p.range.to;
            expect(policy.layout.some((b, i) => i !== p.band && isAligned(axis, edge, b.every))).toBe(true);
            const neighbour = atLeft ? ps[k - 1] : ps[k + 1];
            if (neighbour && (atLeft ? neighbour.range.to : neighbour.range.from) === edge) expect(neighbour.band).not.toBe(p.band);
          } else {
            expect(p.clipped).toBeUndefined();
          }
          const next = ps[k + 1];
          if (next) {
            expect(next.range.from).toBeGreaterThanOrEqual(p.range.to);
            if (touching(p.band, next.band)) expect(next.range.from).toBe(p.range.to);
          }
        });
        expect(names.size).toBe(ps.length);
      }),
      RUNS,
    );
  });

  it('(b) applying a plan reaches a state whose re-plan is empty; (c) drops only what retention lets go; (d) no row range loses its home', () => {
    fc.assert(
      fc.property(scenarioArb, ({ policy, actual, now }) => {
        const plan = planTable(policy, actual, now);
        const after = simulateSteps(actual, plan.steps); // throws if a step breaks a procedure precondition
        const again = planTable(policy, after, now);
        // Without key statistics a purge is an upper bound ("up to all rows"): rows a merge sent to
        // the DEFAULT make the next plan propose it again until ANALYZE (apply analyzes the DEFAULT
        // after a purge). The simulated DEFAULT never has statistics.
        expect(again.steps.filter((x) => !(x.kind === 'purge' && !after.defaultPartition?.keyStats))).toEqual([]);

        const layout = targetLayout(policy, actual.keyType, now, 'orders');
        const dropped = new Set<string>();
        // A detach takes a partition out of the table as a drop does (its rows stay, in a table of their own).
        for (const s of plan.steps.filter((x) => x.kind === 'drop' || x.kind === 'detach')) {
          const p = actual.partitions.find((x) => x.table.name === s.reads[0]!.name)!;
          expect(layout.dropBefore).not.toBeNull();
          expect(p.range!.to).toBeLessThanOrEqual(layout.dropBefore!);
          dropped.add(p.table.name);
        }
        // Archived partitions leave too (their rows go to object storage), and only past archive.after.
        for (const s of plan.steps.filter((x) => x.kind === 'unload')) {
          const p = actual.partitions.find((x) => x.table.name === s.reads[0]!.name)!;
          expect(policy.archive).not.toBeNull();
          expect(p.storage).not.toBe('external');
          dropped.add(p.table.name);
        }
        const droppedRows = actual.partitions.filter((p) => dropped.has(p.table.name)).reduce((s, p) => s + p.rowEstimate, 0);

        const afterCover = unionRanges(after.partitions.map((p) => p.range!));
        for (const p of actual.partitions) {
          if (dropped.has(p.table.name) || p.rowEstimate === 0) continue;
          if (after.defaultPartition) continue;
          expect(subtractRanges([p.range!], afterCover)).toEqual([]);
        }
        if (actual.defaultPartition) expect(after.defaultPartition).not.toBeNull();
        // A purge deletes the DEFAULT's rows older than retention (estimated, as the simulator carries them).
        const purgedRows = plan.steps.filter((x) => x.kind === 'purge').reduce((n, x) => n + x.estimatedRows, 0);
        expect(totalRows(after)).toBeCloseTo(totalRows(actual) - droppedRows - purgedRows, 3);

        // Nothing already dropped or rewritten is moved, and moves come last.
        const kinds = plan.steps.map((s) => s.kind);
        const firstMove = kinds.indexOf('move');
        if (firstMove >= 0) expect(kinds.slice(firstMove).every((k) => k === 'move')).toBe(true);
        expect(kinds.lastIndexOf('drop')).toBeLessThan(Math.max(0, kinds.findIndex((k) => k !== 'drop')) || kinds.length);
        // Unloads come right after the drops, before anything is rewritten (nothing is reshaped only to leave).
        const firstRewrite = kinds.findIndex((k) => k === 'split' || k === 'merge' || k === 'move');
        if (firstRewrite >= 0) expect(kinds.slice(firstRewrite).includes('unload')).toBe(false);
      }),
      RUNS,
    );
  });

  it('(e) the same input gives a byte-identical plan, with nothing JSON cannot carry', () => {
    fc.assert(
      fc.property(scenarioArb, ({ policy, actual, now }) => {
        const input = (): Parameters<typeof buildPlan>[0] => {
          const p: Policy = { version: 1, file: 'p.yaml', hash: 'abc', tables: [structuredClone(policy)] };
          return {
            policy: p,
            actual: new Map([['sales.orders', structuredClone(actual)]]),
            server: { dialect: 'postgres', version: 'PostgreSQL 17', database: 'd', identity: 'h:5432/d' },
            now,
            toolVersion: '0.1.0',
          };
        };
        const a = buildPlan(input());
        const b = buildPlan(input());
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
        expect(() => canonicalJson(a)).not.toThrow();
        expect(JSON.parse(JSON.stringify(a))).toEqual(a);
      }),
      { numRuns: 100 },
    );
  });
});

describe('calls derived from steps', () => {
  it('(f) every call the planner makes is callFor(kind, table, reads, produces), so a plan file can be checked against its data', () => {
    fc.assert(
      fc.property(scenarioArb, ({ policy, actual, now }) => {
        const plan = planTable(policy, actual, now);
        for (const s of plan.steps) {
          const at = storageArgIndex(s);
          const storage = at === null ? null : (s.call.args[at] as string | null);
          expect(callFor(s, actual.table, storage)).toEqual(s.call);
        }
      }),
      RUNS,
    );
  });

  it('(f, g) with Greenplum 6 naming too: calls follow from the steps, plans pass the plan-file checks, re-plans are empty', () => {
    fc.assert(
      fc.property(scenarioArb, ({ policy, actual, now }) => {
        const plan = planTable(policy, actual, now, GREENPLUM6_NAMING);
        for (const s of plan.steps) {
          const at = storageArgIndex(s);
          const extra = at === null ? null : (s.call.args[at] as string | null);
          expect(callFor(s, actual.table, extra)).toEqual(s.call);
        }
        const p: Policy = { version: 1, file: 'p.yaml', hash: 'abc', tables: [policy] };
        const whole = buildPlan({
          policy: p,
          actual: new Map([['sales.orders', actual]]),
          server: { dialect: 'greenplum6', version: 'Greenplum Database 6.24.3', database: 'd', identity: 'h:5432/d' },
          now,
          toolVersion: '0.1.0',
          naming: GREENPLUM6_NAMING,
        });
        expect(() => checkPlanSteps('plan.json', whole, p)).not.toThrow();
        if (plan.deferred === 0) {
          const after = simulateSteps(actual, plan.steps, GREENPLUM6_NAMING);
          expect(planTable(policy, after, now, GREENPLUM6_NAMING).steps.filter((s) => s.kind !== 'purge')).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('(g) every plan the planner makes passes the checks show and apply make of a plan file', () => {
    fc.assert(
      fc.property(scenarioArb, ({ policy, actual, now }) => {
        const p: Policy = { version: 1, file: 'p.yaml', hash: 'abc', tables: [policy] };
        const plan = buildPlan({
          policy: p,
          actual: new Map([['sales.orders', actual]]),
          server: { dialect: 'postgres', version: 'PostgreSQL 17', database: 'd', identity: 'h:5432/d' },
          now,
          toolVersion: '0.1.0',
        });
        expect(() => checkPlanSteps('plan.json', plan, p)).not.toThrow();
      }),
      RUNS,
    );
  });
});

describe('the random scenarios', () => {
  it('exercise every step kind, skipped realignments and clipped periods (so the invariants above are not vacuous)', () => {
    const seen = new Map<string, number>();
    const bump = (k: string): void => void seen.set(k, (seen.get(k) ?? 0) + 1);
    for (const { policy, actual, now } of fc.sample(scenarioArb, { numRuns: 400, seed: 42 })) {
      const plan = planTable(policy, actual, now);
      for (const s of plan.steps) bump(s.kind);
      if (plan.steps.some((s) => s.kind === 'merge' && s.reads.some((r) => r.isDefault))) bump('merge reading DEFAULT');
      if (plan.warnings.some((w) => w.startsWith('not realigning'))) bump('skipped realignment');
      if (targetLayout(policy, actual.keyType, now, 'orders').partitions.some((p) => p.clipped)) bump('clipped');
    }
    for (const k of ['drop', 'split', 'merge', 'move', 'merge reading DEFAULT', 'skipped realignment', 'clipped']) {
      expect(seen.get(k) ?? 0, k).toBeGreaterThan(3);
    }
  });
});
