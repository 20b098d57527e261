// How plans, snapshots and stale-plan messages refer to partitions.
import { keyToLiteral, rangeLiterals } from './keys.js';
import type { ActualPartition, KeyType, PartitionRef, TargetPartition } from './model.js';
import type { AllocatedName } from './names.js';

/** A partition as plans, snapshots and stale-plan messages refer to it (bounds as SQL literals). */
export function partitionRef(kt: KeyType, p: ActualPartition): PartitionRef {
  const r: PartitionRef = { name: p.table.name, schema: p.table.schema, isDefault: p.isDefault };
  if (!p.isDefault && p.range) {
    const printed = rangeLiterals(kt, p.range);
    r.from = printed.from;
    r.to = printed.to;
  }
  r.tablespace = p.tablespace;
  return r;
}

/**
 * A partition a step creates for a target period: named by its relation, with the name the step
 * passes (`partitionName`) when the server names the relation otherwise (Greenplum 6).
 */
export function newPartitionRef(kt: KeyType, schema: string, name: AllocatedName, t: TargetPartition): PartitionRef {
  return {
    name: name.relation,
    ...(name.argument !== name.relation ? { partitionName: name.argument } : {}),
    schema,
    isDefault: false,
    from: keyToLiteral(kt, t.range.from),
    to: keyToLiteral(kt, t.range.to),
    tablespace: t.tablespace,
  };
}
