// Before/after partition layouts as a diff, shared by the Ink view, markdown and `show --apply`.
// The two layouts pad their columns independently, so lines are compared with runs of spaces
// collapsed: an unchanged partition must read as unchanged even when a longer name widened a column.
import { diffArrays } from 'diff';

export type LayoutOp = ' ' | '+' | '-';

export interface LayoutDiffLine {
  op: LayoutOp;
  line: string;
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ');

export function layoutDiff(before: string[], after: string[]): LayoutDiffLine[] {
  const out: LayoutDiffLine[] = [];
  for (const c of diffArrays(before, after, { comparator: (a, b) => norm(a) === norm(b) })) {
    const op: LayoutOp = c.added ? '+' : c.removed ? '-' : ' ';
    for (const line of c.value) out.push({ op, line });
  }
  return out;
}

/** True when the diff has at least one added or removed line. */
export function layoutChanged(d: LayoutDiffLine[]): boolean {
  return d.some((l) => l.op !== ' ');
}

/**
 * Keeps changed lines and `context` unchanged lines around them; longer unchanged runs become one
 * "… N unchanged" marker (op ' '), so a table of 10,000 partitions shows what moves, not all of it.
 */
export function foldUnchanged(d: LayoutDiffLine[], context = 1): LayoutDiffLine[] {
  const keep = d.map((l, i) => l.op !== ' ' || d.slice(Math.max(0, i - context), i + context + 1).some((x) => x.op !== ' '));
  const out: LayoutDiffLine[] = [];
  let skipped = 0;
  for (const [i, l] of d.entries()) {
    if (keep[i]) {
      if (skipped) out.push({ op: ' ', line: `… ${skipped} unchanged partition(s)` });
      skipped = 0;
      out.push(l);
    } else skipped++;
  }
  if (skipped) out.push({ op: ' ', line: `… ${skipped} unchanged partition(s)` });
  return out;
}
