// retention: partitions that end before drop_after are dropped, oldest first.
import type { Step } from '../model.js';
import { partitionRef } from '../refs.js';
import { callFor } from '../call.js';
import type { BoundedPartition, PlanContext } from './context.js';

export function retentionPass(ctx: PlanContext): { drops: Step[]; live: BoundedPartition[] } {
  const { policy, schema, tableName, lit, rtext } = ctx;
  const dropBefore = ctx.target.dropBefore;
  if (dropBefore === null) return { drops: [], live: [...ctx.bounded] };
  const dropped = ctx.bounded.filter((p) => p.range.to <= dropBefore);
  const drops: Step[] = dropped.map((p) => {
    const shape = { kind: 'drop' as const, reads: [partitionRef(ctx.keyType, p)], produces: [] };
    return {
      ...shape,
      reason: `retention drop_after ${policy.retention!.dropAfterText}: ${rtext(p.range)} ends before ${lit(dropBefore)}`,
      estimatedRows: p.rowEstimate,
      estimatedBytes: p.bytes,
      call: callFor(shape, { schema, name: tableName }),
      destructive: true,
    };
  });
  // Drops run first: a new partition may take a dropped partition's name.
  for (const p of dropped) if (p.table.schema === schema) ctx.names.release(p.table.name);
  const droppedSet = new Set<BoundedPartition>(dropped);
  return { drops, live: ctx.bounded.filter((p) => !droppedSet.has(p)) };
}
