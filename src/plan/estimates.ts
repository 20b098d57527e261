// How many of a partition's rows and bytes lie in given key ranges.
import type { ActualPartition, KeyRange } from './model.js';
import { overlapLength } from './simulate.js';

/**
 * Share of a partition's rows whose key lies in the ranges, from its key statistics the way
 * PostgreSQL's own estimator reads them: the most common values by their frequencies, the rest
 * spread over the equal-frequency histogram, linear inside a bucket. Without statistics: 1, so
 * the estimate errs high rather than low.
 */
export function shareIn(p: ActualPartition, ranges: readonly KeyRange[]): number {
  const st = p.keyStats;
  if (!st || !hasKeyStats(p)) return 1;
  const inRanges = (k: number) => ranges.some((r) => k >= r.from && k < r.to);
  let share = 0;
  let mcvTotal = 0;
  for (const [i, v] of st.mcv.entries()) {
    mcvTotal += st.mcvFreq[i] ?? 0;
    if (inRanges(v)) share += st.mcvFreq[i] ?? 0;
  }
  const rest = Math.max(0, 1 - mcvTotal - st.nullFrac);
  const h = st.histogram;
  const buckets = h.length - 1;
  if (buckets >= 1) {
    let histShare = 0;
    for (let i = 0; i < buckets; i++) {
      const lo = h[i]!;
      const hi = h[i + 1]!;
      for (const r of ranges) {
        if (hi === lo) {
          if (lo >= r.from && lo < r.to) histShare += 1 / buckets;
          continue;
        }
        const overlap = Math.min(hi, r.to) - Math.max(lo, r.from);
        if (overlap > 0) histShare += overlap / (hi - lo) / buckets;
      }
    }
    share += rest * Math.min(1, histShare);
  }
  return Math.min(1, share);
}

/** True when the partition's key statistics can place its rows (shareIn is then more than an upper bound). */
export function hasKeyStats(p: ActualPartition): boolean {
  const st = p.keyStats;
  return st !== undefined && (st.histogram.length >= 2 || st.mcv.length > 0);
}

export function rowsIn(p: ActualPartition, ranges: readonly KeyRange[]): number {
  return Math.round(p.rowEstimate * shareIn(p, ranges));
}

export function bytesIn(p: ActualPartition, ranges: readonly KeyRange[]): number {
  return Math.round(p.bytes * shareIn(p, ranges));
}

/** Share of a bounded range's length that the ranges cover (rows assumed evenly spread). */
export function fractionIn(r: KeyRange, parts: readonly KeyRange[]): number {
  if (!parts.length) return 0;
  const len = r.to - r.from;
  if (!Number.isFinite(len)) return 1;
  return parts.reduce((s, p) => s + overlapLength(r, p), 0) / len;
}
