// A table's partition layout as a timeline: the model both pictures draw, the SVG of the HTML report
// (src/render/timeline-svg.ts) and the Mermaid gantt of the markdown ticket (src/render/mermaid.ts).
// Pure: partitions in, bars out. Where the partitions come from (a plan, an apply's snapshots) is
// src/render/timeline-sources.ts; how many bars a picture can hold is the picture's business, so
// runs of alike neighbours are collapsed by a rule each picture passes in.
import type { KeyPoint, KeyType } from '../plan/model.js';
import { formatBytes, formatCount } from './text.js';

/** One partition on a timeline, before or after a plan or an apply. */
export interface TimelinePartition {
  /** Child table name (`schema.name` when it lives in another schema than its table). */
  name: string;
  isDefault: boolean;
  /** Key bounds (±Infinity for MINVALUE/MAXVALUE); absent for the DEFAULT. */
  from?: KeyPoint;
  to?: KeyPoint;
  /** The bounds as plans print them ('2024-01-01', 'MINVALUE'). */
  fromText?: string;
  toText?: string;
  /** null = the database's default tablespace. */
  tablespace: string | null;
  /** heap, ao_row, ao_column, external, other; null when the source does not record it. */
  storage: string | null;
  /** Estimates; null when the source does not know. */
  rows: number | null;
  bytes: number | null;
  /** Kind of the step that reads it (before) or leaves it (after); null when no step touches it. */
  change: string | null;
}

/** A line across the timeline: `now`, the edges of the policy's bands, retention, archive. */
export interface TimelineMark {
  at: KeyPoint;
  /** Short, for the picture ("now", "drop after 7 years"); `title` has the rest. */
  label: string;
  title: string;
  kind: 'now' | 'retention' | 'archive';
}

/** A band of the policy resolved for `now`: the span where it wants partitions of one period. */
export interface TimelineBand {
  from: KeyPoint;
  to: KeyPoint;
  /** "band 1: every 1 month in warm" */
  label: string;
}

export interface TableTimeline {
  /** "schema.table". */
  table: string;
  keyType: KeyType;
  before: TimelinePartition[];
  /** null when it is not known (an apply without an after snapshot; a plan whose steps do not simulate). */
  after: TimelinePartition[] | null;
  /** Why something is missing from the picture, for the reader. */
  note?: string;
  now: TimelineMark | null;
  /** Retention and archive points of the policy (empty without the policy). */
  marks: TimelineMark[];
  /** The policy's bands, oldest first (empty without the policy). */
  bands: TimelineBand[];
}

export type Lane = 'before' | 'after';

/** A bar: one partition, or a run of adjacent alike partitions drawn as one. */
export interface Run {
  parts: TimelinePartition[];
  from: KeyPoint;
  to: KeyPoint;
  /** The members' common value, or MIXED when they differ. */
  tablespace: string | null | typeof MIXED;
  storage: string | null | typeof MIXED;
  change: string | null | typeof MIXED;
  /** Common period ("1 month"), or null when the members differ or have none (MINVALUE). */
  period: string | null;
  /** Totals; null when any member's is unknown. */
  rows: number | null;
  bytes: number | null;
}

export const MIXED = Symbol('mixed');

// ------------------------------------------------------------------ changes

interface ChangeWords {
  /** How a partition the step reads is marked (before). */
  before: string;
  /** How a partition the step leaves is marked (after). */
  after: string;
}

/**
 * Words for the kinds of change, as the legend and labels show them. Drawing never depends on the
 * kind: a kind missing here (a step kind added later) is marked with its own name.
 */
const CHANGE_WORDS: Record<string, ChangeWords> = {
  split: { before: 'split', after: 'new' },
  merge: { before: 'merged', after: 'merged' },
  move: { before: 'moved', after: 'moved' },
  drop: { before: 'dropped', after: 'dropped' },
  unload: { before: 'unloaded', after: 'unloaded' },
  detach: { before: 'detached', after: 'detached' },
  purge: { before: 'purged', after: 'purged' },
};

export function changeWord(change: string | null | typeof MIXED, lane: Lane): string {
  if (change === MIXED) return 'mixed changes';
  if (change === null) return 'unchanged';
  return CHANGE_WORDS[change]?.[lane] ?? change;
}

// ------------------------------------------------------------------ periods and text

const DAY = 86_400_000;
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * The calendar period a partition spans ("1 day", "3 months", "1 year"), read on the key's wall
 * clock (UTC for timestamptz); null for an unbounded or irregular one.
 */
export function periodOf(from: KeyPoint | undefined, to: KeyPoint | undefined): string | null {
  if (from === undefined || to === undefined || !Number.isFinite(from) || !Number.isFinite(to) || to <= from) return null;
  const a = new Date(from);
  const b = new Date(to);
  if (from % DAY === 0 && to % DAY === 0) {
    if (a.getUTCDate() === 1 && b.getUTCDate() === 1) {
      const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
      if (months % 12 === 0 && a.getUTCMonth() === 0) return plural(months / 12, 'year');
      return plural(months, 'month');
    }
    const days = Math.round((to - from) / DAY);
    return days % 7 === 0 && a.getUTCDay() === 1 ? plural(days / 7, 'week') : plural(days, 'day');
  }
  const hours = (to - from) / 3_600_000;
  return Number.isInteger(hours) ? plural(hours, 'hour') : null;
}

/** periodOf a partition, computed once: runs are merged level after level over the same partitions. */
const periods = new WeakMap<TimelinePartition, string | null>();
function periodOfPart(p: TimelinePartition): string | null {
  let v = periods.get(p);
  if (v === undefined) periods.set(p, (v = periodOf(p.from, p.to)));
  return v;
}

/** "~1,200 rows, 1.4 MB"; "size unknown" when nothing is known. */
export function sizeText(rows: number | null, bytes: number | null): string {
  const parts: string[] = [];
  if (rows !== null) parts.push(`~${formatCount(rows)} rows`);
  if (bytes !== null && bytes > 0) parts.push(formatBytes(bytes));
  return parts.length ? parts.join(', ') : 'size unknown';
}

/** "[2024-01-01, 2024-02-01)" from the partitions' own bound texts. */
export function rangeText(run: Pick<Run, 'parts'>): string {
  const first = run.parts[0]!;
  const last = run.parts[run.parts.length - 1]!;
  return `[${first.fromText ?? '?'}, ${last.toText ?? '?'})`;
}

// ------------------------------------------------------------------ runs

/** The bounded partitions by start (the DEFAULT has no place on the time axis). */
export function bounded(parts: readonly TimelinePartition[]): TimelinePartition[] {
  return parts.filter((p) => !p.isDefault && p.from !== undefined && p.to !== undefined).sort((a, b) => a.from! - b.from!);
}

export function runOf(parts: TimelinePartition[]): Run {
  const common = <T>(f: (p: TimelinePartition) => T): T | typeof MIXED => {
    const first = f(parts[0]!);
    return parts.every((p) => f(p) === first) ? first : MIXED;
  };
  const total = (f: (p: TimelinePartition) => number | null): number | null =>
    parts.some((p) => f(p) === null) ? null : parts.reduce((n, p) => n + f(p)!, 0);
  const period = common(periodOfPart);
  return {
    parts,
    from: parts[0]!.from!,
    to: parts[parts.length - 1]!.to!,
    tablespace: common((p) => p.tablespace),
    storage: common((p) => p.storage),
    change: common((p) => p.change),
    period: period === MIXED ? null : period,
    rows: total((p) => p.rows),
    bytes: total((p) => p.bytes),
  };
}

/**
 * How alike neighbours must be to be drawn as one bar, from strictest to loosest: same period,
 * tablespace, storage and change; the same but for the period; the same change only.
 */
type Likeness = 'identical' | 'same-placement' | 'same-change';

const show = (x: string | null | typeof MIXED) => (x === MIXED ? '\u0000mixed' : x === null ? '\u0000null' : x);

function likeness(level: Likeness): (r: Run) => string {
  switch (level) {
    case 'identical':
      return (r) => [show(r.period), show(r.tablespace), show(r.storage), show(r.change)].join('\u0001');
    case 'same-placement':
      return (r) => [show(r.tablespace), show(r.storage), show(r.change)].join('\u0001');
    case 'same-change':
      return (r) => show(r.change);
  }
}

/** Merges each maximal sequence of touching runs with equal `key` into one run; runs with a gap between them never merge. */
function mergeRuns(runs: readonly Run[], key: (r: Run) => string): Run[] {
  const keys = runs.map(key);
  const out: Run[] = [];
  let group: Run[] = [];
  const flush = () => {
    if (group.length >= 2) out.push(runOf(group.flatMap((r) => r.parts)));
    else out.push(...group);
    group = [];
  };
  runs.forEach((r, i) => {
    const prev = group[group.length - 1];
    if (prev && !(prev.to === r.from && keys[i - 1] === keys[i])) flush();
    group.push(r);
  });
  flush();
  return out;
}

/** One run per bounded partition, by start. */
function singleRuns(parts: readonly TimelinePartition[]): Run[] {
  return bounded(parts).map((p) => runOf([p]));
}

/**
 * At most `max` bars if alikeness allows: runs of identical neighbours first, then of neighbours
 * placed alike, then of neighbours with the same change. A layout whose neighbours all differ in
 * their change keeps more bars than `max` rather than misdraw one.
 */
export function runsAtMost(parts: readonly TimelinePartition[], max: number): Run[] {
  let runs = singleRuns(parts);
  for (const level of ['identical', 'same-placement', 'same-change'] as const) {
    if (runs.length > max) runs = mergeRuns(runs, likeness(level));
  }
  return runs;
}

/**
 * Bars for a picture where `width(run)` is a run's drawn width: neighbours whose bars would be
 * narrower than `minWidth` collapse (identical ones first, then those placed alike), and runs still
 * narrower than `minWidth` merge with their narrow neighbours whatever they are. A partition wide
 * enough to see always keeps a bar of its own, so the bar count is bounded by the drawing's width.
 */
export function runsForWidth(parts: readonly TimelinePartition[], width: (r: Run) => number, minWidth: number): Run[] {
  const narrow = (r: Run) => width(r) / r.parts.length < minWidth;
  const unlessWide = (key: (r: Run) => string) => (r: Run) => (narrow(r) ? key(r) : `\u0000wide ${r.from}`);
  let runs = singleRuns(parts);
  runs = mergeRuns(runs, unlessWide(likeness('identical')));
  runs = mergeRuns(runs, unlessWide(likeness('same-placement')));
  return mergeRuns(runs, (r) => (width(r) < minWidth ? 'narrow' : `\u0000wide ${r.from}`));
}
