// The words steps give for themselves: which band wants which periods.

import type { TargetPartition } from '../model.js';
import { describeBand } from '../target.js';
import type { BoundedPartition, PlanContext } from './context.js';

/** "band 1 (…) wants [a, b); band 2 (…) wants 6 periods in [c, d)", contiguous periods summarised. */
export function bandWants(ctx: PlanContext, targets: readonly TargetPartition[]): string {
  const parts: string[] = [];
  const byBand = new Map<number, TargetPartition[]>();
  for (const t of targets) byBand.set(t.band, [...(byBand.get(t.band) ?? []), t]);
  for (const band of [...byBand.keys()].sort((a, b) => a - b)) {
    const runs: TargetPartition[][] = [];
    for (const t of byBand.get(band)!) {
      const last = runs.at(-1);
      if (last && last.at(-1)!.range.to === t.range.from) last.push(t);
      else runs.push([t]);
    }
    const text = runs.map((r) =>
      r.length === 1
        ? ctx.rtext(r[0]!.range)
        : `${r.length} periods in ${ctx.rtext({ from: r[0]!.range.from, to: r.at(-1)!.range.to })}`,
    );
    parts.push(`${describeBand(ctx.policy, band)} wants ${text.join(', ')}`);
  }
  return parts.join('; ');
}

export function clipNotes(targets: readonly TargetPartition[]): string[] {
  return targets.filter((t) => t.clipped).map((t) => `${t.name} is ${t.clipped}`);
}

/**
 * "a [x, y), b [y, z)" for a few partitions; contiguous runs of four or more summarised as
 * "events_2026_09_01 … events_2026_09_30 (30 partitions, [2026-09-01, 2026-10-01))", so a merge of
 * 31 daily partitions says so in one line, as its headline does.
 */
export function partitionsText(ctx: PlanContext, parts: readonly BoundedPartition[]): string {
  const runs: BoundedPartition[][] = [];
  for (const p of parts) {
    const last = runs.at(-1);
    if (last && last.at(-1)!.range.to === p.range.from) last.push(p);
    else runs.push([p]);
  }
  return runs
    .flatMap((r) =>
      r.length < 4
        ? r.map((p) => `${p.table.name} ${ctx.rtext(p.range)}`)
        : [`${r[0]!.table.name} … ${r.at(-1)!.table.name} (${r.length} partitions, ${ctx.rtext({ from: r[0]!.range.from, to: r.at(-1)!.range.to })})`],
    )
    .join(', ');
}
