// archive: partitions wholly older than archive.after go to object storage, one unload step each,
// after the drops and before any reshaping (nothing is rewritten or moved only to leave).
// Retention still drops what is older than drop_after, archived or not; with archive.before_drop
// such a partition is archived first: on the client path the unload removes it (no drop step);
// through PXF the unload leaves an external partition, which the drop then removes (its objects
// stay in the bucket).
import type { KeyPoint, Step } from '../model.js';
import { targetLayout } from '../target.js';
import { unloadStep } from '../unload-step.js';
import type { BoundedPartition, PlanContext } from './context.js';

export interface Archived {
  /** archive.before_drop: unloads of partitions retention drops; they run before the drops. */
  beforeDrops: Step[];
  /** The drops, without those a client-path before_drop unload replaces. */
  drops: Step[];
  /** Unloads of live partitions past archive.after, oldest first. */
  unloads: Step[];
  /** What stays for reshaping: live partitions not unloaded (external ones included: reshaping refuses to touch them). */
  live: BoundedPartition[];
  /** Periods wholly before this point are archive's, not the bands': reshaping leaves them alone. */
  cutoff: KeyPoint | null;
}

export function archivePass(ctx: PlanContext, drops: Step[], live: readonly BoundedPartition[]): Archived {
  const archive = ctx.policy.archive;
  if (!archive) return { beforeDrops: [], drops, unloads: [], live: [...live], cutoff: null };
  const cutoff = archiveCutoff(ctx);
  const dialect = ctx.dialect;
  if (archive.via === 'pxf' && dialect && dialect !== 'greenplum6') {
    ctx.blocking.push(`archive via: pxf needs Greenplum 6 with PXF; this server is ${dialect}: use via: client`);
    return { beforeDrops: [], drops, unloads: [], live: [...live], cutoff };
  }
  const due = live.filter((p) => p.range.to <= cutoff && p.storage !== 'external');
  const then = archive.via === 'pxf' ? 'then it is replaced by an external partition over the objects (PXF)' : 'then the partition is dropped';
  const unloads = due.map((p) =>
    unloadStep(ctx.actual, p, archive, `archive after ${archive.afterText}: ${ctx.rtext(p.range)} ends on or before ${ctx.btext(cutoff)}; ${then}`),
  );

  let keptDrops = drops;
  const early: Step[] = [];
  if (archive.beforeDrop) {
    const byName = new Map(ctx.bounded.map((p) => [`${p.table.schema}.${p.table.name}`, p]));
    keptDrops = [];
    for (const d of drops) {
      const p = byName.get(`${d.reads[0]!.schema}.${d.reads[0]!.name}`);
      if (!p || p.storage === 'external') {
        keptDrops.push(d);
        continue;
      }
      early.push(unloadStep(ctx.actual, p, archive, `archive.before_drop: ${d.reason}, so it is archived first; ${then}`));
      // Through PXF the partition stays (external) until the drop removes it.
      if (archive.via === 'pxf') keptDrops.push(d);
    }
  }
  const unloaded = new Set(due);
  // A partition the client path archives is dropped with it: a new partition may take its name.
  if (archive.via === 'client') for (const p of due) if (p.table.schema === ctx.schema) ctx.names.release(p.table.name);
  return { beforeDrops: early, drops: keptDrops, unloads, live: live.filter((p) => !unloaded.has(p)), cutoff };
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
