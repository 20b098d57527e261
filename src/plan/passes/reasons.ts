// The words steps give for themselves: which band wants which periods.
import { rangeToText } from '../keys.js';
import type { TargetPartition } from '../model.js';
import { describeBand } from '../target.js';
import type { PlanContext } from './context.js';

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
        ? rangeToText(ctx.keyType, r[0]!.range)
        : `${r.length} periods in ${rangeToText(ctx.keyType, { from: r[0]!.range.from, to: r.at(-1)!.range.to })}`,
    );
    parts.push(`${describeBand(ctx.policy, band)} wants ${text.join(', ')}`);
  }
  return parts.join('; ');
}

export function clipNotes(targets: readonly TargetPartition[]): string[] {
  return targets.filter((t) => t.clipped).map((t) => `${t.name} is ${t.clipped}`);
}
