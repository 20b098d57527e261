// Where a timeline's partitions come from: a plan (its layout entries before and after the steps,
// each marked by the step that touches it), an apply's snapshots, and the policy's band edges.
// Marks are read from the steps' reads and produces alone, so a step kind added later is drawn
// without code of its own here.
import { DateTime } from 'luxon';
import { backwards, resolveOffset, type KeyAxis } from '../plan/calendar.js';
import { keyToLiteral, literalToKey } from '../plan/keys.js';
import type { KeyPoint, KeyType, Plan, TablePlan } from '../plan/model.js';
import type { TablePolicy } from '../policy/types.js';
import type { TableTimeline, TimelineBand, TimelineMark, TimelinePartition } from './timeline.js';

/** `now` of a plan on the key's axis: the wall clock in the policy's zone for date and timestamp keys. */
export function nowKey(now: string, keyType: KeyType, zone: string): KeyPoint | null {
  const dt = DateTime.fromISO(now, { zone });
  if (!dt.isValid) return null;
  if (keyType === 'timestamptz') return dt.toMillis();
  return DateTime.utc(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.millisecond).toMillis();
}

/** The policy's bands, retention and archive points for `now`, as the planner resolves them. */
function policyMarks(policy: TablePolicy, keyType: KeyType, now: string): { marks: TimelineMark[]; bands: TimelineBand[] } {
  const axis: KeyAxis = { keyType, zone: policy.timezone };
  const at = (offset: TablePolicy['layout'][number]['from']) => resolveOffset(axis, now, offset);
  const bands: TimelineBand[] = policy.layout
    .map((b, i) => ({
      from: at(b.from),
      to: at(b.to),
      label: `band ${i + 1}: every ${b.everyText.replace(/^every\s+/i, '')}${b.tablespace !== null ? ` in ${b.tablespace}` : ''} (${b.fromText} .. ${b.toText})`,
    }))
    .filter((b) => b.from < b.to)
    .sort((a, b) => a.from - b.from);
  const marks: TimelineMark[] = [];
  const lit = (k: KeyPoint) => keyToLiteral(keyType, k);
  if (policy.archive) {
    const k = at(backwards(policy.archive.after));
    marks.push({ at: k, label: `archive after ${policy.archive.afterText}`, title: `archive: partitions wholly before ${lit(k)} go to S3 (after ${policy.archive.afterText})`, kind: 'archive' });
  }
  if (policy.retention) {
    const k = at(backwards(policy.retention.dropAfter));
    marks.push({ at: k, label: `drop after ${policy.retention.dropAfterText}`, title: `retention: partitions wholly before ${lit(k)} are dropped (drop_after ${policy.retention.dropAfterText})`, kind: 'retention' });
  }
  return { marks, bands };
}

// ------------------------------------------------------------------ plans

/** One entry of a plan's structured before/after layout (name, bounds, placement, size). */
interface LayoutEntryLike {
  name: string;
  isDefault: boolean;
  from?: string;
  to?: string;
  tablespace: string | null;
  storage?: string;
  rows?: number | null;
  bytes?: number | null;
}

function isLayoutEntry(x: unknown): x is LayoutEntryLike {
  return typeof x === 'object' && x !== null && typeof (x as LayoutEntryLike).name === 'string' && typeof (x as LayoutEntryLike).isDefault === 'boolean';
}

const displayName = (t: Pick<TablePlan, 'schema'>, r: { schema: string; name: string }) => (r.schema === t.schema ? r.name : `${r.schema}.${r.name}`);
const boundKey = (kt: KeyType, s: string | undefined): KeyPoint | undefined => (s === undefined ? undefined : literalToKey(kt, s));
const rangeId = (from: KeyPoint | undefined, to: KeyPoint | undefined) => `${from}..${to}`;

/** The partitions of a plan's table before and after its steps, each marked by the step that touches it. */
export function planTimeline(plan: Plan, t: TablePlan, policy?: TablePolicy | null): TableTimeline {
  const zone = policy?.timezone ?? (t as { timezone?: string }).timezone ?? 'UTC';
  const nowAt = nowKey(plan.now, t.keyType, zone);
  const base = {
    table: t.table,
    keyType: t.keyType,
    now: nowAt === null ? null : { at: nowAt, label: `now ${plan.now}`, title: `the plan was made for now = ${plan.now}`, kind: 'now' as const },
    ...(policy ? policyMarks(policy, t.keyType, plan.now) : { marks: [], bands: [] }),
  };
  try {
    const { before, after, note } = planLayouts(t);
    markChanges(t, before, after);
    return { ...base, before, after, ...(note ? { note } : {}) };
  } catch (err) {
    // A plan file is data: bounds that do not read as keys leave the picture out, not the report.
    return { ...base, before: [], after: null, note: `no timeline: ${(err as Error).message}` };
  }
}

function planLayouts(t: TablePlan): { before: TimelinePartition[]; after: TimelinePartition[] | null; note?: string } {
  const entriesBefore = t.layoutBefore as readonly unknown[];
  const entriesAfter = t.layoutAfter as readonly unknown[];
  if (!entriesBefore.every(isLayoutEntry) || !entriesAfter.every(isLayoutEntry)) {
    return { before: [], after: null, note: 'this plan does not list its partitions as layout entries (made by an older gppart): no timeline' };
  }
  const part = (e: LayoutEntryLike): TimelinePartition => ({
    name: e.name,
    isDefault: e.isDefault,
    ...bounds(t.keyType, e.from, e.to),
    tablespace: e.tablespace,
    storage: e.storage ?? null,
    rows: e.rows ?? null,
    bytes: e.bytes ?? null,
    change: null,
  });
  return { before: entriesBefore.map(part), after: entriesAfter.map(part) };
}

function bounds(kt: KeyType, from: string | undefined, to: string | undefined): Pick<TimelinePartition, 'from' | 'to' | 'fromText' | 'toText'> {
  if (from === undefined || to === undefined) return {};
  return { from: boundKey(kt, from), to: boundKey(kt, to), fromText: from, toText: to };
}

/**
 * Marks each partition with the kind of the step that touches it: before, the first step that
 * reads it (by name); after, the last step that produces its range (names may differ by dialect).
 */
function markChanges(t: TablePlan, before: TimelinePartition[], after: TimelinePartition[] | null): void {
  const readBy = new Map<string, string>();
  const producedBy = new Map<string, string>();
  for (const s of t.steps) {
    for (const r of s.reads) {
      const k = displayName(t, r);
      if (!readBy.has(k)) readBy.set(k, s.kind);
    }
    for (const p of s.produces) producedBy.set(p.isDefault ? 'DEFAULT' : rangeId(boundKey(t.keyType, p.from), boundKey(t.keyType, p.to)), s.kind);
  }
  for (const p of before) p.change = readBy.get(p.name) ?? null;
  for (const p of after ?? []) p.change = producedBy.get(p.isDefault ? 'DEFAULT' : rangeId(p.from, p.to)) ?? null;
}

// ------------------------------------------------------------------ applies

/** A partition as an apply's snapshot stores it (src/apply/snapshot.ts). */
export interface SnapshotPartitionLike {
  name: string;
  schema?: string;
  isDefault: boolean;
  from?: string;
  to?: string;
  tablespace?: string | null;
  storage?: string;
  rowEstimate?: number;
  bytes?: number;
}

/** A journal step as `show --apply` reads it. */
export interface JournalStepLike {
  table: string;
  kind: string;
  call: string;
  status: string;
}

/** "date", "timestamp" or "timestamptz" from how the snapshot's bounds are written. */
function keyTypeOfLiterals(parts: readonly SnapshotPartitionLike[]): KeyType {
  const lit = parts.flatMap((p) => [p.from, p.to]).find((s): s is string => s !== undefined && /^\d/.test(s));
  if (!lit) return 'date';
  if (/[+-]\d\d(:?\d\d)?$|Z$/i.test(lit) && /\d:\d/.test(lit)) return 'timestamptz';
  return /\d:\d/.test(lit) ? 'timestamp' : 'date';
}

/**
 * An apply's timeline from its snapshots. The journal has no reads and produces, so changes are
 * read off the difference: a range that is new is new (split) or rewritten (merge) when it covers
 * one that went; same name and range on another tablespace moved; a partition that went without its
 * range being covered again is marked by the journal step whose call names it, else as dropped.
 */
export function applyTimeline(
  table: string,
  before: readonly SnapshotPartitionLike[] | null,
  after: readonly SnapshotPartitionLike[] | null,
  steps: readonly JournalStepLike[],
  keyType?: KeyType,
): TableTimeline {
  const kt = keyType ?? keyTypeOfLiterals([...(before ?? []), ...(after ?? [])]);
  const part = (p: SnapshotPartitionLike): TimelinePartition => ({
    name: p.name,
    isDefault: p.isDefault,
    ...bounds(kt, p.isDefault ? undefined : p.from, p.isDefault ? undefined : p.to),
    tablespace: p.tablespace ?? null,
    storage: p.storage ?? null,
    rows: p.rowEstimate ?? null,
    bytes: p.bytes ?? null,
    change: null,
  });
  const base = { table, keyType: kt, now: null, marks: [], bands: [] };
  let b: TimelinePartition[];
  let a: TimelinePartition[] | null;
  try {
    b = (before ?? []).map(part);
    a = after ? after.map(part) : null;
  } catch (err) {
    return { ...base, before: [], after: null, note: `no timeline: ${(err as Error).message}` };
  }
  const note = !before ? 'no snapshot before this apply' : !after ? 'no snapshot after: the apply did not finish' : undefined;
  if (a) diffChanges(b, a, steps.filter((s) => s.table === table));
  return { ...base, before: b, after: a, ...(note ? { note } : {}) };
}

function diffChanges(before: TimelinePartition[], after: TimelinePartition[], steps: readonly JournalStepLike[]): void {
  const id = (p: TimelinePartition) => `${p.isDefault ? 'DEFAULT' : rangeId(p.from, p.to)}\u0000${p.name}`;
  const beforeById = new Map(before.map((p) => [id(p), p]));
  const afterById = new Map(after.map((p) => [id(p), p]));
  const overlaps = (x: TimelinePartition, ys: readonly TimelinePartition[]) =>
    !x.isDefault && ys.some((y) => !y.isDefault && y.from! < x.to! && x.from! < y.to!);
  const quoted = (name: string) => `'${name.replace(/'/g, "''")}'`;
  const namedBy = (p: TimelinePartition) => steps.find((s) => s.status === 'done' && s.call.includes(quoted(p.name.slice(p.name.lastIndexOf('.') + 1))))?.kind;
  for (const p of after) {
    const old = beforeById.get(id(p));
    if (!old) p.change = overlaps(p, before) ? 'merge' : 'split';
    else if (old.storage !== p.storage && p.storage === 'external') p.change = old.change = 'unload';
    else if (old.tablespace !== p.tablespace) p.change = old.change = 'move';
  }
  for (const p of before) {
    if (afterById.has(id(p))) continue;
    p.change = overlaps(p, after.filter((a) => !beforeById.has(id(a)))) ? 'merge' : (namedBy(p) ?? 'drop');
  }
}
