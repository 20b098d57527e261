// Partitions whose storage options are not the ones wanted, among those already on a wanted period
// (the others are rewritten anyway). Only where the driver reports options (ActualPartition.options:
// Greenplum 6). A `storage:` in the policy (band, table or defaults) is what the policy wants: a
// partition that differs is rewritten to it by a merge of itself, straight into its wanted
// tablespace (so it needs no move). Without one the policy means "the parent's": a partition that
// differs from the parent is reported, not rewritten, since a DBA may have made it so on purpose.
import { callFor } from '../call.js';
import type { TargetPartition } from '../model.js';
import { newPartitionRef, partitionRef } from '../refs.js';
import { describeBand } from '../target.js';
import type { BoundedPartition, OrderedStep, PlanContext } from './context.js';

export interface StorageDrift {
  rewrites: OrderedStep[];
  /** "schema.name" of the partitions the rewrites replace: a move of them is not needed. */
  rewritten: ReadonlySet<string>;
}

/** `key=value` pairs in any order, spacing or case → one comparable form ('' for none). */
export function storageKey(options: string): string {
  return options
    .split(',')
    .map((p) => p.replace(/\s+/g, '').toLowerCase())
    .filter((p) => p !== '')
    .sort()
    .join(',');
}

export function storagePass(ctx: PlanContext, live: readonly BoundedPartition[]): StorageDrift {
  const rewritten = new Set<string>();
  const rewrites: OrderedStep[] = [];
  // Options are reported by some drivers only: without them there is nothing to compare (and no
  // need for a map of every wanted period).
  if (!live.some((p) => p.options !== undefined && p.storage !== 'external')) return { rewrites, rewritten };
  // By start: wanted periods are disjoint and never empty, so no two share one (and no key text
  // per partition is built, which was most of this pass's time on Greenplum 6's thousands).
  const wanted = new Map(ctx.target.partitions.map((t) => [t.range.from, t]));
  const parent = ctx.actual.options;
  const unlikeParent: BoundedPartition[] = [];
  // Thousands of partitions share a handful of option texts: each is normalised once.
  const keys = new Map<string, string>();
  const key = (options: string): string => {
    let k = keys.get(options);
    if (k === undefined) keys.set(options, (k = storageKey(options)));
    return k;
  };
  for (const p of live) {
    if (p.options === undefined || p.storage === 'external') continue;
    const t = wanted.get(p.range.from);
    if (!t || t.range.to !== p.range.to) continue;
    if (t.storage === null) {
      if (parent !== undefined && key(p.options) !== key(parent)) unlikeParent.push(p);
    } else if (key(p.options) !== key(t.storage)) {
      rewrites.push(rewriteStep(ctx, p, t, t.storage));
      rewritten.add(`${p.table.schema}.${p.table.name}`);
    }
  }
  if (unlikeParent.length) {
    const list = unlikeParent.map((p) => `${p.table.name} (${p.storage}${p.options ? `: ${p.options}` : ''})`);
    ctx.warnings.push(
      `${unlikeParent.length} partition(s) have other storage options than the parent's (${parent || 'none'}), which the policy ` +
        `asks for by naming no storage: ${list.slice(0, 5).join(', ')}${list.length > 5 ? `, … ${list.length - 5} more` : ''}; ` +
        `gppart leaves them as they are unless the policy names the storage they should have`,
    );
  }
  return { rewrites, rewritten };
}

function rewriteStep(ctx: PlanContext, p: BoundedPartition, t: TargetPartition, storage: string): OrderedStep {
  const { schema, tableName } = ctx;
  const name = ctx.names.allocate(t.suffix, new Set([...(p.table.schema === schema ? [p.table.name] : []), ...(p.partitionName ? [p.partitionName] : [])]));
  // Like any merge, into the band's tablespace (the parent's when the policy names none).
  const shape = { kind: 'merge' as const, reads: [partitionRef(ctx.keyType, p)], produces: [newPartitionRef(ctx.keyType, schema, name, t)] };
  return {
    from: p.range.from,
    step: {
      ...shape,
      reason: `${describeBand(ctx.policy, t.band)} wants ${ctx.rtext(t.range)} with storage ${storage}; ${p.table.name} has ${p.options || `none (${p.storage})`}, so it is rewritten`,
      estimatedRows: p.rowEstimate,
      estimatedBytes: p.bytes,
      call: callFor(shape, { schema, name: tableName }, storage),
      destructive: false,
    },
  };
}
