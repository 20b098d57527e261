// Policy + now → the partitions the policy wants. Pure and deterministic.
import type { NamingPattern } from '../policy/naming.js';
import type { Band, TablePolicy } from '../policy/types.js';
import {
  backwards,
  ceilKey,
  everyDays,
  floorKey,
  isAligned,
  keyDay,
  keyToDateTime,
  nextBoundary,
  resolveOffset,
  type KeyAxis,
} from './calendar.js';
import { keyToDisplay } from './display.js';
import type { Every, KeyPoint, KeyType, TargetLayout, TargetPartition } from './model.js';

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

interface ResolvedBand {
  band: Band;
  /** Index into TablePolicy.layout. */
  index: number;
  from: KeyPoint;
  to: KeyPoint;
}

/** "band 2 (-2 years .. -3 months, every 3 months)", how plans name a band. */
export function describeBand(policy: TablePolicy, index: number): string {
  const b = policy.layout[index]!;
  return `band ${index + 1} (${b.fromText} .. ${b.toText}, every ${b.everyText.replace(/^every\s+/i, '')})`;
}

export function targetLayout(policy: TablePolicy, keyType: KeyType, now: string, tableName: string): TargetLayout {
  const axis: KeyAxis = { keyType, zone: policy.timezone };
  const bands: ResolvedBand[] = policy.layout
    .map((band, index) => ({
      band,
      index,
      from: resolveOffset(axis, now, band.from),
      to: resolveOffset(axis, now, band.to),
    }))
    .filter((b) => b.from < b.to)
    .sort((a, b) => a.from - b.from || a.index - b.index);

  for (let i = 1; i < bands.length; i++) {
    const prev = bands[i - 1]!;
    const cur = bands[i]!;
    if (cur.from < prev.to) {
      throw new TargetError(
        `${policy.table.schema}.${policy.table.name}: ${describeBand(policy, prev.index)} and ${describeBand(policy, cur.index)} overlap`,
      );
    }
  }

  const periods: Array<Omit<TargetPartition, 'name' | 'suffix'>> = [];
  for (const run of adjacentRuns(bands)) periods.push(...runPeriods(policy, axis, run));

  const dropBefore = policy.retention ? resolveOffset(axis, now, backwards(policy.retention.dropAfter)) : null;
  // A period retention would drop at once is not wanted: creating it would only feed the next drop.
  const kept = dropBefore === null ? periods : periods.filter((p) => p.range.to > dropBefore);

  const used = new Set<string>();
  const partitions: TargetPartition[] = kept.map((p) => {
    const aligned = p.clipped === undefined || isAligned(axis, p.range.from, p.every);
    const base = nameSuffix(policy.naming, axis, p.range.from, p.every, aligned);
    let suffix = base;
    for (let n = 2; used.has(suffix); n++) suffix = `${base}_${n}`;
    used.add(suffix);
    // Built field by field: a spread of 100,000 periods, some with `clipped` and most without, was
    // most of the target layout's time.
    // (Fields in the spread's order, for anything that prints a period as JSON.)
    const { range, band, every, tablespace, storage, clipped } = p;
    const name = fitName(tableName, suffix);
    return clipped === undefined
      ? { range, band, every, tablespace, storage, suffix, name }
      : { range, band, every, tablespace, storage, clipped, suffix, name };
  });

  const managed = partitions.length
    ? { from: partitions[0]!.range.from, to: partitions[partitions.length - 1]!.range.to }
    : null;
  return { partitions, dropBefore, managed };
}

function adjacentRuns(bands: ResolvedBand[]): ResolvedBand[][] {
  const runs: ResolvedBand[][] = [];
  for (const b of bands) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1]!.to === b.from) last.push(b);
    else runs.push([b]);
  }
  return runs;
}

/**
 * Periods of one run of adjacent bands (oldest first). The run's outer edges shrink onto their
 * band's grid (only whole periods belong to a band); each inner meeting point moves onto the
 * coarser band's grid so the finer band takes the coarse period the meeting point cuts.
 */
function runPeriods(policy: TablePolicy, axis: KeyAxis, run: ResolvedBand[]): Array<Omit<TargetPartition, 'name' | 'suffix'>> {
  const k = run.length;
  const first = run[0]!;
  const last = run[k - 1]!;
  const start = ceilKey(axis, first.from, first.band.every);
  const end = floorKey(axis, last.to, last.band.every);
  if (start >= end) return [];

  const bounds: KeyPoint[] = [start];
  for (let i = 1; i < k; i++) {
    const older = run[i - 1]!;
    const newer = run[i]!;
    const t = newer.from;
    const olderDays = everyDays(older.band.every);
    const newerDays = everyDays(newer.band.every);
    let b: KeyPoint;
    if (olderDays > newerDays) b = floorKey(axis, t, older.band.every);
    else if (newerDays > olderDays) b = ceilKey(axis, t, newer.band.every);
    else b = floorKey(axis, t, newer.band.every); // same grid: the newer band takes the cut period
    // A band narrower than its neighbour's period can be squeezed out entirely; keep the
    // boundaries ordered so the bands around it still meet without overlapping.
    bounds.push(Math.min(Math.max(b, bounds[i - 1]!), end));
  }
  bounds.push(end);

  const out: Array<Omit<TargetPartition, 'name' | 'suffix'>> = [];
  for (let i = 0; i < k; i++) {
    const rb = run[i]!;
    const lo = bounds[i]!;
    const hi = bounds[i + 1]!;
    if (lo >= hi) continue;
    const every = rb.band.every;
    const tablespace = rb.band.tablespace ?? policy.tablespace ?? null;
    const storage = rb.band.storage ?? policy.storage ?? null;
    let p = floorKey(axis, lo, every);
    while (p < hi) {
      const q = nextBoundary(axis, p, every);
      const from = Math.max(p, lo);
      const to = Math.min(q, hi);
      const period: Omit<TargetPartition, 'name' | 'suffix'> = { range: { from, to }, band: rb.index, every, tablespace, storage };
      if (from !== p || to !== q) {
        const at = from !== p ? from : to;
        const neighbour = from !== p ? run[i - 1] : run[i + 1];
        period.clipped =
          `clipped at ${keyToDisplay({ keyType: axis.keyType, timezone: axis.zone }, at)}` +
          (neighbour
            ? ` where it meets ${describeBand(policy, neighbour.index)}: every ${everyText(every)} does not nest in every ${everyText(neighbour.band.every)}`
            : '');
      }
      out.push(period);
      p = q;
    }
  }
  return out;
}

function everyText(e: Every): string {
  return `${e.count} ${e.unit}${e.count === 1 ? '' : 's'}`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * `<table>_p2024`, `_p2024q1`, `_p2024h1`, `_p2024_01`, `_p2024w03`, `_p2024_01_15` (the default
 * naming); a period whose start is not on its grid (clipped) is named by its first day. The table
 * prefix is shortened so the whole name fits PostgreSQL's 63-byte identifier limit.
 */
export function partitionName(tableName: string, axis: KeyAxis, start: KeyPoint, every: Every, aligned = true): string {
  return withPrefix(tableName, periodToken(axis, start, every, aligned));
}

/** The {period} token: p2024, p2024q1, p2024h1, p2024_01, p2024w03, p2024_01_15. */
function periodToken(axis: KeyAxis, start: KeyPoint, every: Every, aligned: boolean): string {
  const d = keyDay(axis, start);
  const day = `p${d.year}_${pad(d.month)}_${pad(d.day)}`;
  if (!aligned || every.unit === 'day') return day;
  if (every.unit === 'week') {
    const w = keyToDateTime(axis, start); // ISO week-numbering: rare enough for luxon
    return `p${w.weekYear}w${pad(w.weekNumber)}`;
  }
  if (every.unit === 'year' || every.count === 12) return `p${d.year}`;
  if (every.count === 3) return `p${d.year}q${(d.month + 2) / 3}`;
  if (every.count === 6) return `p${d.year}h${(d.month + 5) / 6}`;
  return `p${d.year}_${pad(d.month)}`;
}

/**
 * What the naming pattern puts after {table} for the period starting at `start` ("_p2024_01",
 * "_2024_01"). A clipped period is the pattern's name with its first day appended ("_15"), unless
 * the pattern has {dd}; {period} then reads p2024_01_15.
 */
export function nameSuffix(naming: NamingPattern | undefined, axis: KeyAxis, start: KeyPoint, every: Every, aligned: boolean): string {
  if (!naming) return `_${periodToken(axis, start, every, aligned)}`;
  const d = keyDay(axis, start);
  let out = '';
  for (const part of naming.parts.slice(1)) {
    if ('literal' in part) {
      out += part.literal;
      continue;
    }
    switch (part.token) {
      case 'period': out += periodToken(axis, start, every, aligned); break;
      case 'yyyy': out += pad(d.year, 4); break;
      case 'mm': out += pad(d.month); break;
      case 'dd': out += pad(d.day); break;
      case 'q': out += String(Math.ceil(d.month / 3)); break;
      case 'h': out += String(Math.ceil(d.month / 6)); break;
      case 'ww': out += pad(keyToDateTime(axis, start).weekNumber); break;
      case 'iyyy': out += pad(keyToDateTime(axis, start).weekYear, 4); break;
      case 'table': break; // only at the start, which parseNaming checks
    }
  }
  const hasDay = naming.parts.some((p) => 'token' in p && (p.token === 'dd' || p.token === 'period'));
  return aligned || hasDay ? out : `${out}_${pad(d.day)}`;
}

/** `<prefix>_<suffix>`, shortening the prefix (never the suffix) to fit 63 bytes. */
export function withPrefix(prefix: string, suffix: string): string {
  return fitName(prefix, `_${suffix}`);
}

/** `<table><suffix>`, shortening the table part (never the suffix) to fit 63 bytes. */
export function fitName(table: string, suffix: string): string {
  const room = MAX_IDENTIFIER_BYTES - Buffer.byteLength(suffix, 'utf8');
  let p = table;
  while (Buffer.byteLength(p, 'utf8') > room) p = Array.from(p).slice(0, -1).join('');
  return `${p}${suffix}`;
}
