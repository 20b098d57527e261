// retention: partitions that end before drop_after are dropped, oldest first.
import type { Step } from '../model.js';
import { partitionRef } from '../refs.js';
import type { BoundedPartition, PlanContext } from './context.js';

export function retentionPass(ctx: PlanContext): { drops: Step[]; live: BoundedPartition[] } {
  const { policy, schema, tableName, lit, rtext } = ctx;
  const dropBefore = ctx.target.dropBefore;
  if (dropBefore === null) return { drops: [], live: [...ctx.bounded] };
  const dropped = ctx.bounded.filter((p) => p.range.to <= dropBefore);
  const drops: Step[] = dropped.map((p) => ({
    kind: 'drop',
    reads: [partitionRef(ctx.keyType, p)],
    produces: [],
    reason: `retention drop_after ${policy.retention!.dropAfterText}: ${rtext(p.range)} ends before ${lit(dropBefore)}`,
    estimatedRows: p.rowEstimate,
    estimatedBytes: p.bytes,
    call: {
      name: 'gppart.drop_partition',
      args: [schema, tableName, p.table.schema, p.table.name, lit(p.range.from), lit(p.range.to)],
    },
    destructive: true,
  }));
  // Drops run first: a new partition may take a dropped partition's name.
  for (const p of dropped) if (p.table.schema === schema) ctx.names.release(p.table.name);
  const droppedSet = new Set<BoundedPartition>(dropped);
  return { drops, live: ctx.bounded.filter((p) => !droppedSet.has(p)) };
}
