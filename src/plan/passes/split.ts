// Target periods no partition covers: created by splitting them out of the DEFAULT (or empty,
// without one), one pass over the DEFAULT per storage.
import { bytesIn, rowsIn } from '../estimates.js';
import type { ActualPartition, TargetPartition } from '../model.js';
import { newPartitionRef, partitionRef } from '../refs.js';
import { callFor } from '../call.js';
import type { OrderedStep, PlanContext } from './context.js';
import { bandWants, clipNotes } from './reasons.js';

export function splitPass(ctx: PlanContext, missing: readonly TargetPartition[], def: ActualPartition | null): OrderedStep[] {
  const { schema, tableName } = ctx;
  const byStorage = new Map<string | null, TargetPartition[]>();
  for (const t of [...missing].sort((a, b) => a.range.from - b.range.from)) {
    const group = byStorage.get(t.storage) ?? [];
    group.push(t);
    byStorage.set(t.storage, group);
  }
  const out: OrderedStep[] = [];
  for (const [storage, targets] of byStorage) {
    const names = targets.map((t) => ctx.names.allocate(t.suffix));
    const ranges = targets.map((t) => t.range);
    const source = def
      ? `rows come out of DEFAULT ${def.table.name} in one pass (~${rowsIn(def, ranges)} of its ~${def.rowEstimate} rows${def.keyStats ? ', from its key statistics' : ': no key statistics, so all of them, an upper bound'})`
      : 'the table has no DEFAULT partition: the new partitions start empty';
    const shape = {
      kind: 'split' as const,
      reads: def ? [partitionRef(ctx.keyType, def)] : [],
      produces: targets.map((t, i) => newPartitionRef(ctx.keyType, schema, names[i]!, t)),
    };
    out.push({
      from: targets[0]!.range.from,
      step: {
        ...shape,
        reason: [bandWants(ctx, targets), source, ...clipNotes(targets)].join('; '),
        estimatedRows: def ? rowsIn(def, ranges) : 0,
        estimatedBytes: def ? bytesIn(def, ranges) : 0,
        call: callFor(shape, { schema, name: tableName }, storage),
        destructive: false,
      },
    });
  }
  return out;
}
