// The identity of an actual table's structure: a plan records it per table, and apply refuses a
// plan whose tables no longer have it.
import { createHash } from 'node:crypto';
import { rangeLiterals } from './keys.js';
import type { ActualPartition, ActualTable } from './model.js';

/**
 * sha256 of the table's structure. Row counts and sizes are left out: they change with every write
 * and ANALYZE, and a plan must not go stale because of them.
 */
export function fingerprint(actual: ActualTable): string {
  const kt = actual.keyType;
  const part = (p: ActualPartition): unknown => {
    const schema = p.table.schema;
    const name = p.table.name;
    const partitionName = p.partitionName ?? null;
    const isDefault = p.isDefault;
    const printed = p.range ? rangeLiterals(kt, p.range) : null;
    const from = printed ? printed.from : null;
    const to = printed ? printed.to : null;
    const { tablespace, storage, options } = p;
    // Options only where a driver reports them (Greenplum 6), so other fingerprints stay as they
    // were. Two literals rather than a spread: this runs once per partition.
    return options === undefined
      ? { schema, name, partitionName, isDefault, from, to, tablespace, storage }
      : { schema, name, partitionName, isDefault, from, to, tablespace, storage, options };
  };
  const canonical = {
    table: { schema: actual.table.schema, name: actual.table.name },
    keyColumn: actual.keyColumn,
    keyType: kt,
    tablespace: actual.tablespace,
    partitions: [...actual.partitions]
      .sort((a, b) => (a.range?.from ?? 0) - (b.range?.from ?? 0) || cmp(a.table.name, b.table.name))
      .map(part),
    defaultPartition: actual.defaultPartition ? part(actual.defaultPartition) : null,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

