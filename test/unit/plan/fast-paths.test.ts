// The planner's and renderers' fast paths against the plain algorithms they replace, over many
// generated inputs: a plan, its hash and its rendering must stay byte-identical.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, canonicalSha256 } from '../../../src/plan/plan.js';
import type { LayoutEntry } from '../../../src/plan/model.js';
import { layoutDiff, type LayoutDiffOptions } from '../../../src/render/layout-diff.js';
import type { BoundFormat } from '../../../src/plan/display.js';
import { planTable } from '../../../src/plan/diff.js';
import { layoutEntries } from '../../../src/plan/layout.js';
import { simulateSteps } from '../../../src/plan/simulate.js';
import { overlapComponents, type Component } from '../../../src/plan/passes/components.js';
import type { BoundedPartition } from '../../../src/plan/passes/context.js';
import type { TargetPartition } from '../../../src/plan/model.js';
import { band, policy, table } from './fixtures.js';

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The canonical JSON as it was first written: a key-sorted copy into prototype-free objects.
function referenceCanonicalJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`a plan cannot hold ${v}`);
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = Object.create(null);
      for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sortKeys(o[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

const KEYS = ['name', 'from', 'to', 'a', 'B', '_x', '$y', '10', '9', '0', '01', '__proto__', 'é', 'tablespace', '4294967295', '4294967294'];

function randomValue(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth > 3 || pick < 0.35) {
    const scalars: unknown[] = [null, true, false, 0, -0, 1.5, -12, 1e21, 'x', '', 'a"b\\c\n', '\u2028', undefined, () => 1];
    return scalars[Math.floor(r() * scalars.length)];
  }
  if (pick < 0.55) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const k = KEYS[Math.floor(r() * KEYS.length)]!;
    Object.defineProperty(o, k, { value: randomValue(r, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return o;
}

describe('canonicalJson', () => {
  it('is the JSON of a key-sorted copy, for objects of many shapes (index-like keys, __proto__, undefined, runs of one shape)', () => {
    const r = rng(12);
    for (let i = 0; i < 3000; i++) {
      const v = randomValue(r, 0);
      // Runs of one shape and shapes that differ only in order, as a plan's entries come.
      const run = [v, v, { ...(v as object) }, [v, v]];
      expect(canonicalJson(v)).toBe(referenceCanonicalJson(v));
      expect(canonicalJson(run)).toBe(referenceCanonicalJson(run));
    }
    expect(canonicalJson([{ b: 1, a: 2 }, { a: 3, b: 4 }, { b: 5, a: 6 }])).toBe('[{"a":2,"b":1},{"a":3,"b":4},{"a":6,"b":5}]');
    expect(canonicalJson(JSON.parse('{"__proto__":{"z":1,"y":2},"10":1,"9":2}'))).toBe('{"9":2,"10":1,"__proto__":{"y":2,"z":1}}');
  });

  it('hashes, piece by piece, exactly the text canonicalJson writes, at every depth', () => {
    const r = rng(21);
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    // Nested deeper than the levels written piece by piece, with long lists of one shape inside.
    // One nested value per level (the tree stays linear in its depth), beside lists of one shape.
    const nest = (v: unknown, depth: number): unknown => {
      if (depth === 0) return v;
      const inner = nest(v, depth - 1);
      const list = Array.from({ length: 3 }, () => ({ b: 1, a: randomValue(r, 3) }));
      return r() < 0.5 ? [list, inner, randomValue(r, 2)] : { z: inner, a: randomValue(r, 2), '7': randomValue(r, 3), long: list };
    };
    for (let i = 0; i < 1500; i++) {
      const v = { plan: nest(randomValue(r, 0), Math.floor(r() * 8)), policyText: 'x' };
      expect(canonicalSha256(v)).toBe(sha(referenceCanonicalJson(v)));
    }
    const long = { tables: [{ rows: Array.from({ length: 20_000 }, (_, k) => ({ to: `${k + 1}`, from: `${k}`, n: k })) }] };
    expect(canonicalSha256(long)).toBe(sha(referenceCanonicalJson(long)));
    expect(() => canonicalSha256({ a: [{ b: { c: [{ d: { e: [NaN] } }] } }] })).toThrow(/cannot hold NaN/);
  });

  it('refuses a non-finite number', () => {
    expect(() => canonicalJson({ a: [1, Infinity] })).toThrow(/cannot hold Infinity/);
    expect(() => canonicalJson({ a: NaN })).toThrow(/cannot hold NaN/);
  });
});

// layoutDiff as it was first written: identities compared as JSON text, no pairwise fast path.
function referenceLayoutDiff(before: readonly LayoutEntry[], after: readonly LayoutEntry[], o: LayoutDiffOptions): Array<{ op: string; entry: LayoutEntry }> {
  const identity = (e: LayoutEntry) => JSON.stringify([e.name, e.isDefault, e.from ?? null, e.to ?? null, e.tablespace, e.storage, o.rows ? e.rows : null, e.isNew === true]);
  const unmatched = new Map<string, number>();
  for (const e of after) unmatched.set(identity(e), (unmatched.get(identity(e)) ?? 0) + 1);
  const kept = new Set<LayoutEntry>();
  const removed: LayoutEntry[] = [];
  for (const e of before) {
    const n = unmatched.get(identity(e)) ?? 0;
    if (n > 0) {
      unmatched.set(identity(e), n - 1);
      kept.add(e);
    } else removed.push(e);
  }
  const added = after.filter((e) => {
    const n = unmatched.get(identity(e)) ?? 0;
    if (n <= 0) return false;
    unmatched.set(identity(e), n - 1);
    return true;
  });
  const key = (s: string | undefined, d: number) => (s === undefined ? d : Date.parse(`${s}T00:00:00Z`));
  const range = (e: LayoutEntry) => ({ from: key(e.from, -Infinity), to: key(e.to, Infinity) });
  const items: Array<{ start: number; lines: Array<{ op: string; entry: LayoutEntry }> }> = [];
  for (const e of before) if (kept.has(e) && !e.isDefault) items.push({ start: range(e).from, lines: [{ op: ' ', entry: e }] });
  const changed = [...removed.map((e) => ({ op: '-', e })), ...added.map((e) => ({ op: '+', e }))]
    .filter((c) => !c.e.isDefault)
    .map((c) => ({ ...c, r: range(c.e) }))
    .sort((a, b) => a.r.from - b.r.from || a.r.to - b.r.to);
  let group: typeof changed = [];
  let reach = -Infinity;
  const flush = () => {
    if (!group.length) return;
    items.push({ start: group[0]!.r.from, lines: [...group.filter((c) => c.op === '-'), ...group.filter((c) => c.op === '+')].map((c) => ({ op: c.op, entry: c.e })) });
    group = [];
  };
  for (const c of changed) {
    if (group.length && c.r.from >= reach) flush();
    group.push(c);
    reach = group.length === 1 ? c.r.to : Math.max(reach, c.r.to);
  }
  flush();
  items.sort((a, b) => a.start - b.start);
  const out = items.flatMap((i) => i.lines);
  for (const e of before) if (e.isDefault) out.push({ op: kept.has(e) ? ' ' : '-', entry: e });
  for (const e of added) if (e.isDefault) out.push({ op: '+', entry: e });
  return out;
}

function randomLayout(r: () => number): LayoutEntry[] {
  const out: LayoutEntry[] = [];
  const n = Math.floor(r() * 8);
  let day = Date.UTC(2024, 0, 1) + Math.floor(r() * 5) * 86_400_000;
  for (let i = 0; i < n; i++) {
    const len = (1 + Math.floor(r() * 3)) * 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const rowsChoices = [0, 5, null, NaN, -0];
    const e: LayoutEntry = {
      name: `p${Math.floor(r() * 6)}`,
      isDefault: false,
      from: iso(day),
      to: iso(day + len),
      tablespace: r() < 0.5 ? null : r() < 0.5 ? 'warm' : (undefined as unknown as null),
      storage: r() < 0.8 ? 'heap' : 'ao_column',
      rows: rowsChoices[Math.floor(r() * rowsChoices.length)] as number | null,
      bytes: Math.floor(r() * 3),
    };
    if (r() < 0.2) e.isNew = true;
    out.push(e);
    day += r() < 0.7 ? len : len - 86_400_000 * Math.floor(r() * 2);
  }
  if (r() < 0.5) out.push({ name: 'def', isDefault: true, tablespace: null, storage: 'heap', rows: r() < 0.5 ? 3 : 4, bytes: 0 });
  return out;
}

describe('layoutDiff', () => {
  const f: BoundFormat = { keyType: 'date', timezone: 'UTC' } as BoundFormat;
  it('gives the lines of the plain identity matching, for equal, near-equal and unrelated layouts', () => {
    const r = rng(8);
    for (let i = 0; i < 2000; i++) {
      const before = randomLayout(r);
      const mode = r();
      // Equal copies (the fast path), copies with one field changed, and unrelated layouts.
      const after =
        mode < 0.4
          ? before.map((e) => ({ ...e }))
          : mode < 0.7
            ? before.map((e, k) => (k === 0 ? { ...e, [(['rows', 'tablespace', 'isNew', 'storage', 'name'] as const)[Math.floor(r() * 5)]]: r() < 0.5 ? undefined : 7 } : { ...e }))
            : randomLayout(r);
      for (const o of [{ rows: true }, { rows: false }]) {
        const got = layoutDiff(before, after, f, o).map((l) => ({ op: l.op, entry: l.entry }));
        const want = referenceLayoutDiff(before, after, o);
        expect(got).toEqual(want);
        // The very entries, not equal copies: renderers print fields the identity leaves out.
        got.forEach((l, k) => expect(l.entry).toBe(want[k]!.entry));
      }
    }
  });
});

describe('an empty plan', () => {
  it('has a layout after that is the simulated table\'s, entry for entry', () => {
    // Days of 2024 exactly as a daily band wants them (nothing to do), with and without a DEFAULT,
    // one partition in another tablespace than the band names (a move: not empty, the long way).
    const days = (n: number) => Array.from({ length: n }, (_, i) => ({ from: iso(Date.UTC(2024, 0, 1) + i * DAY), to: iso(Date.UTC(2024, 0, 1) + (i + 1) * DAY), rows: i }));
    for (const defaultRows of [null, 0, 12]) {
      const actual = table(days(60), { defaultRows });
      const now = iso(Date.UTC(2024, 0, 1) + 60 * DAY);
      const plan = planTable(policy([band('-60 days', '0 days', '1 day')]), actual, now);
      expect(plan.steps).toEqual([]);
      expect(plan.layoutAfter).toEqual(layoutEntries(simulateSteps(actual, []), new Set()));
      expect(plan.layoutAfter).toEqual(plan.layoutBefore);
    }
  });
});

const DAY = 86_400_000;
function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

// overlapComponents as it was first written: union-find over the overlapping pairs, groups sorted by start.
function referenceComponents(existing: readonly BoundedPartition[], targets: readonly TargetPartition[]): Component[] {
  const n = existing.length;
  const parent = Array.from({ length: n + targets.length }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  let i = 0;
  let j = 0;
  while (i < n && j < targets.length) {
    const e = existing[i]!.range;
    const t = targets[j]!.range;
    if (e.from < t.to && t.from < e.to) union(i, n + j);
    if (e.to <= t.to) i++;
    else j++;
  }
  const groups = new Map<number, Component>();
  const get = (root: number, from: number): Component => {
    let c = groups.get(root);
    if (!c) groups.set(root, (c = { sources: [], targets: [], from }));
    c.from = Math.min(c.from, from);
    return c;
  };
  existing.forEach((e, k) => get(find(k), e.range.from).sources.push(e));
  targets.forEach((t, k) => get(find(n + k), t.range.from).targets.push(t));
  return [...groups.values()].sort((a, b) => a.from - b.from);
}

/** Sorted, internally disjoint ranges on a small integer axis: gaps, touching ends, long and short ones. */
function randomRanges(r: () => number, count: number): Array<{ from: number; to: number }> {
  const out: Array<{ from: number; to: number }> = [];
  let at = Math.floor(r() * 4);
  for (let k = 0; k < count; k++) {
    at += r() < 0.5 ? 0 : Math.floor(r() * 4);
    const len = 1 + Math.floor(r() * (r() < 0.2 ? 12 : 3));
    out.push({ from: at, to: at + len });
    at += len;
  }
  if (r() < 0.1 && out.length) out[0]!.from = -Infinity;
  if (r() < 0.1 && out.length) out[out.length - 1]!.to = Infinity;
  return out;
}

describe('overlapComponents', () => {
  it('groups as union-find over the overlapping pairs does, in the same order with the same members', () => {
    const r = rng(5);
    for (let k = 0; k < 5000; k++) {
      const existing = randomRanges(r, Math.floor(r() * 9)).map((range, i) => ({ table: { schema: 's', name: `e${i}` }, isDefault: false, range, tablespace: null, storage: 'heap', rowEstimate: 0, bytes: 0 }) as BoundedPartition);
      const targets = randomRanges(r, Math.floor(r() * 9)).map((range, i) => ({ range, band: 0, every: { unit: 'day', count: 1 }, tablespace: null, storage: null, name: `t${i}`, suffix: `_t${i}` }) as TargetPartition);
      expect(overlapComponents(existing, targets)).toEqual(referenceComponents(existing, targets));
    }
  });
});
