// Before/after partition layouts as a diff, shared by the Ink view, text, markdown and
// `show --apply`. Removed and added partitions whose ranges overlap form one group, printed
// together (its `-` lines, then its `+` lines), and groups and unchanged partitions follow key
// order: what a step replaces sits next to what replaces it, however long the table. Only runs of
// unchanged partitions are ever folded, into one line with their count; never a changed one.
// Columns are aligned over both layouts at once.
import { literalToDisplay, type BoundFormat } from '../plan/display.js';
import { literalToKey } from '../plan/keys.js';
import type { LayoutEntry } from '../plan/model.js';
import { term } from './escape.js';
import { formatCount } from './numbers.js';

export type LayoutOp = ' ' | '+' | '-';

export interface LayoutDiffLine {
  op: LayoutOp;
  entry: LayoutEntry;
}

export interface LayoutDiffOptions {
  /** Row estimates take part in the comparison and are printed (a plan); not for snapshots, whose estimates move with every ANALYZE. */
  rows: boolean;
}

function identity(e: LayoutEntry, o: LayoutDiffOptions): string {
  return JSON.stringify([e.name, e.isDefault, e.from ?? null, e.to ?? null, e.tablespace, e.storage, o.rows ? e.rows : null, e.isNew === true]);
}

interface Item {
  start: number;
  lines: LayoutDiffLine[];
}

/** identity(a) === identity(b) without building either (false only ever sends the caller the long way). */
function sameIdentity(a: LayoutEntry, b: LayoutEntry, o: LayoutDiffOptions): boolean {
  return (
    asJson(a.name) === asJson(b.name) &&
    asJson(a.isDefault) === asJson(b.isDefault) &&
    asJson(a.from) === asJson(b.from) &&
    asJson(a.to) === asJson(b.to) &&
    asJson(a.tablespace) === asJson(b.tablespace) &&
    asJson(a.storage) === asJson(b.storage) &&
    (!o.rows || asJson(a.rows) === asJson(b.rows)) &&
    (a.isNew === true) === (b.isNew === true)
  );
}

/** A scalar as JSON.stringify reads it inside an array: undefined and non-finite numbers are null. */
function asJson(v: unknown): unknown {
  return v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : v;
}

export function layoutDiff(before: readonly LayoutEntry[], after: readonly LayoutEntry[], f: BoundFormat, o: LayoutDiffOptions): LayoutDiffLine[] {
  // The common case, a plan with nothing to do: every entry is kept, pairwise, with no identity strings built.
  const unchanged = before.length === after.length && before.every((e, i) => sameIdentity(e, after[i]!, o));
  // Each entry's identity once (a plan of 100,000 partitions has as many on both sides).
  const beforeIds = unchanged ? [] : before.map((e) => identity(e, o));
  const afterIds = unchanged ? [] : after.map((e) => identity(e, o));
  const unmatched = new Map<string, number>();
  for (const id of afterIds) unmatched.set(id, (unmatched.get(id) ?? 0) + 1);
  const kept = new Set<LayoutEntry>(unchanged ? before : []);
  const removed: LayoutEntry[] = [];
  for (let i = 0; i < beforeIds.length; i++) {
    const e = before[i]!;
    const n = unmatched.get(beforeIds[i]!) ?? 0;
    if (n > 0) {
      unmatched.set(beforeIds[i]!, n - 1);
      kept.add(e);
    } else removed.push(e);
  }
  const added: LayoutEntry[] = [];
  for (let i = 0; i < afterIds.length; i++) {
    const n = unmatched.get(afterIds[i]!) ?? 0;
    if (n <= 0) continue;
    unmatched.set(afterIds[i]!, n - 1);
    added.push(after[i]!);
  }

  const bound = (s: string | undefined, dflt: number): number => {
    if (s === undefined) return dflt;
    try {
      return literalToKey(f.keyType, s);
    } catch {
      return dflt;
    }
  };
  const range = (e: LayoutEntry) => ({ from: bound(e.from, -Infinity), to: bound(e.to, Infinity) });

  const items: Item[] = [];
  for (const e of before) if (kept.has(e) && !e.isDefault) items.push({ start: range(e).from, lines: [{ op: ' ', entry: e }] });

  // Changed bounded partitions grouped by overlap: sweep by start, a group ends where nothing reaches past it.
  const changed = [...removed.map((e) => ({ op: '-' as const, e })), ...added.map((e) => ({ op: '+' as const, e }))]
    .filter((c) => !c.e.isDefault)
    .map((c) => ({ ...c, r: range(c.e) }))
    .sort((a, b) => a.r.from - b.r.from || a.r.to - b.r.to);
  let group: typeof changed = [];
  let reach = -Infinity;
  const flush = () => {
    if (!group.length) return;
    const minus = group.filter((c) => c.op === '-');
    const plus = group.filter((c) => c.op === '+');
    items.push({ start: group[0]!.r.from, lines: [...minus, ...plus].map((c) => ({ op: c.op, entry: c.e })) });
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
  // The DEFAULT last: unchanged, or its old and new line together.
  for (const e of before) if (e.isDefault) out.push({ op: kept.has(e) ? ' ' : '-', entry: e });
  for (const e of added) if (e.isDefault) out.push({ op: '+', entry: e });
  return out;
}

/** True when the diff has at least one added or removed line. */
export function layoutChanged(d: readonly LayoutDiffLine[]): boolean {
  return d.some((l) => l.op !== ' ');
}

/** A line as printed: its op and the aligned text (without the op). */
export interface LayoutLine {
  op: LayoutOp;
  text: string;
}

/** How a tablespace reads in a layout: null is the database's default tablespace. */
export function tablespaceText(ts: string | null | undefined): string {
  return ts ?? 'pg_default';
}

function rowsText(e: LayoutEntry): string {
  const rows = e.rows === null ? 'rows unknown' : `~${formatCount(e.rows)} rows`;
  return e.isNew ? `${rows} (new)` : rows;
}

/** The heading over the lines: it names the columns, which the lines do not repeat. */
export function layoutHeading(d: readonly LayoutDiffLine[], o: LayoutDiffOptions, what = 'layout before → after'): string {
  const storage = new Set(d.map((l) => l.entry.storage)).size > 1;
  return `${what} (partition, range, tablespace${storage ? ', storage' : ''}${o.rows ? ', estimated rows' : ''}):`;
}

/**
 * The diff as aligned lines. Runs of more than `foldAbove` unchanged partitions become one line
 * "… N unchanged partitions in [from, to)"; pass Infinity to print every partition.
 */
export function layoutDiffLines(d: readonly LayoutDiffLine[], f: BoundFormat, o: LayoutDiffOptions, foldAbove = 3): LayoutLine[] {
  const bounds = (e: LayoutEntry) => `[${term(literalToDisplay(f, e.from ?? '?'))}, ${term(literalToDisplay(f, e.to ?? '?'))})`;
  const showStorage = new Set(d.map((l) => l.entry.storage)).size > 1;
  const cells = d.map((l) => [
    term(l.entry.name),
    l.entry.isDefault ? 'DEFAULT' : bounds(l.entry),
    term(tablespaceText(l.entry.tablespace)),
    ...(showStorage ? [l.entry.storage] : []),
    ...(o.rows ? [rowsText(l.entry)] : []),
  ]);
  const widths = cells.reduce<number[]>((w, row) => row.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  const text = cells.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());

  const out: LayoutLine[] = [];
  let i = 0;
  while (i < d.length) {
    if (d[i]!.op !== ' ') {
      out.push({ op: d[i]!.op, text: text[i]! });
      i++;
      continue;
    }
    let j = i;
    while (j < d.length && d[j]!.op === ' ') j++;
    const run = d.slice(i, j);
    const bounded = run.filter((l) => !l.entry.isDefault);
    if (bounded.length > foldAbove) {
      const span = `[${term(literalToDisplay(f, bounded[0]!.entry.from ?? '?'))}, ${term(literalToDisplay(f, bounded.at(-1)!.entry.to ?? '?'))})`;
      out.push({ op: ' ', text: `… ${formatCount(bounded.length)} unchanged partitions in ${span}` });
      for (let k = i; k < j; k++) if (d[k]!.entry.isDefault) out.push({ op: ' ', text: text[k]! });
    } else {
      for (let k = i; k < j; k++) out.push({ op: ' ', text: text[k]! });
    }
    i = j;
  }
  return out;
}
