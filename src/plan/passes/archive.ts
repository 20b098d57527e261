// archive: partitions older than archive.after belong on S3.
import type { KeyPoint, Step } from '../model.js';
import { simulateSteps } from '../simulate.js';
import { targetLayout } from '../target.js';
import type { PlanContext } from './context.js';

/**
 * The unload steps for partitions past archive.after, as the table will be after `planned`.
 * Unload is not implemented yet: none, and a warning naming what would be unloaded.
 */
export function archivePass(ctx: PlanContext, planned: readonly Step[]): Step[] {
  const { policy } = ctx;
  if (!policy.archive) return [];
  const after = simulateSteps(ctx.actual, planned, ctx.naming);
  const cutoff = archiveCutoff(ctx);
  const old = after.partitions.filter((p) => p.range && p.range.to <= cutoff && p.storage !== 'external');
  if (old.length) {
    ctx.warnings.push(
      `archive after ${policy.archive.afterText}: ${old.length} partition(s) ending on or before ${ctx.btext(cutoff)} ` +
        `would be unloaded to S3, and unload is not implemented yet`,
    );
  }
  return [];
}

/** Partitions ending on or before this point are past archive.after. */
export function archiveCutoff(ctx: PlanContext): KeyPoint {
  const { policy } = ctx;
  // Same arithmetic as retention, through a throwaway policy whose retention is the archive age.
  return targetLayout(
    { ...policy, layout: [], retention: { dropAfter: policy.archive!.after, dropAfterText: policy.archive!.afterText } },
    ctx.keyType,
    ctx.now,
    ctx.tableName,
  ).dropBefore!;
}
