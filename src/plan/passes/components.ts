// Existing partitions and target periods grouped by overlap: each group is reshaped on its own.
import type { KeyPoint, TargetPartition } from '../model.js';
import type { BoundedPartition } from './context.js';

export interface Component {
  sources: BoundedPartition[];
  targets: TargetPartition[];
  from: KeyPoint;
}

/**
 * Groups existing partitions and target periods that overlap, transitively, oldest group first.
 * Both lists are sorted and free of internal overlaps, so one sweep over both by start finds every
 * group: an item overlaps the open group exactly when it starts before the furthest end among the
 * group's items of the other list (an item of its own list cannot overlap it), and an item that
 * does not starts a group nothing later can join back to the earlier one.
 */
export function overlapComponents(existing: readonly BoundedPartition[], targets: readonly TargetPartition[]): Component[] {
  const out: Component[] = [];
  let open: Component | null = null;
  // The furthest end among the open group's sources, and among its targets.
  let sourcesReach = -Infinity;
  let targetsReach = -Infinity;
  let i = 0;
  let j = 0;
  while (i < existing.length || j < targets.length) {
    const e = existing[i];
    const t = targets[j];
    if (e && (!t || e.range.from <= t.range.from)) {
      if (!open || !(e.range.from < targetsReach)) {
        out.push((open = { sources: [], targets: [], from: e.range.from }));
        sourcesReach = targetsReach = -Infinity;
      }
      open.sources.push(e);
      sourcesReach = Math.max(sourcesReach, e.range.to);
      i++;
    } else {
      const r = t!.range;
      if (!open || !(r.from < sourcesReach)) {
        out.push((open = { sources: [], targets: [], from: r.from }));
        sourcesReach = targetsReach = -Infinity;
      }
      open.targets.push(t!);
      targetsReach = Math.max(targetsReach, r.to);
      j++;
    }
  }
  return out;
}
