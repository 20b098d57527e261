// retention: partitions that end before drop_after are dropped, or detached and kept as plain
// tables (retention.mode: detach), oldest first.
import { callFor } from '../call.js';
import type { Step, StepKind } from '../model.js';
import { partitionRef } from '../refs.js';
import type { BoundedPartition, PlanContext } from './context.js';

export function retentionPass(ctx: PlanContext): { drops: Step[]; live: BoundedPartition[] } {
  const dropBefore = ctx.target.dropBefore;
  if (dropBefore === null) return { drops: [], live: [...ctx.bounded] };
  const expired = ctx.bounded.filter((p) => p.range.to <= dropBefore);
  const drops = expired.map((p) => (ctx.policy.retention!.mode === 'detach' ? detachStep(ctx, p) : dropStep(ctx, p)));
  const expiredSet = new Set<BoundedPartition>(expired);
  return { drops, live: ctx.bounded.filter((p) => !expiredSet.has(p)) };
}

function why(ctx: PlanContext, p: BoundedPartition): string {
  return `retention drop_after ${ctx.policy.retention!.dropAfterText}: ${ctx.rtext(p.range)} ends before ${ctx.btext(ctx.target.dropBefore!)}`;
}

function dropStep(ctx: PlanContext, p: BoundedPartition): Step {
  // Drops run first: a new partition may take a dropped partition's name.
  if (p.table.schema === ctx.schema) ctx.names.release(p.table.name, p.partitionName);
  return retentionStep(ctx, p, 'drop', [], why(ctx, p));
}

/** retention.mode: detach: the partition leaves the table and stays, under its name, as a plain table. */
function detachStep(ctx: PlanContext, p: BoundedPartition): Step {
  const to = ctx.policy.retention!.detachSchema ?? p.table.schema;
  // The table keeps its name, so only a move to another schema frees it here; the partition's
  // own name (Greenplum 6) goes with the partition.
  ctx.names.release(to !== ctx.schema && p.table.schema === ctx.schema ? p.table.name : null, p.partitionName);
  const kept = [{ ...partitionRef(ctx.keyType, p), schema: to }];
  return retentionStep(ctx, p, 'detach', kept, `${why(ctx, p)}; retention mode detach keeps it as table ${to}.${p.table.name}`);
}

function retentionStep(ctx: PlanContext, p: BoundedPartition, kind: StepKind, produces: Step['produces'], reason: string): Step {
  const shape = { kind, reads: [partitionRef(ctx.keyType, p)], produces };
  return {
    ...shape,
    reason,
    estimatedRows: p.rowEstimate,
    estimatedBytes: p.bytes,
    call: callFor(shape, { schema: ctx.schema, name: ctx.tableName }),
    destructive: true,
  };
}
