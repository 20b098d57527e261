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
 * Both lists are sorted and free of internal overlaps, so one sweep finds every overlapping pair.
 */
export function overlapComponents(existing: readonly BoundedPartition[], targets: readonly TargetPartition[]): Component[] {
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
  const get = (root: number, from: KeyPoint): Component => {
    let c = groups.get(root);
    if (!c) groups.set(root, (c = { sources: [], targets: [], from }));
    c.from = Math.min(c.from, from);
    return c;
  };
  existing.forEach((e, k) => get(find(k), e.range.from).sources.push(e));
  targets.forEach((t, k) => get(find(n + k), t.range.from).targets.push(t));
  return [...groups.values()].sort((a, b) => a.from - b.from);
}
