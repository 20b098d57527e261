// What an apply records of a table before and after, and how a stale plan explains itself.
import type { ActualPartition, ActualTable, PartitionRef, TablePlan } from '../plan/model.js';
import { partitionRef } from '../plan/diff.js';
import { printable } from '../util/printable.js';

function allPartitions(actual: ActualTable): ActualPartition[] {
  return [...actual.partitions, ...(actual.defaultPartition ? [actual.defaultPartition] : [])];
}

/** Every partition of the table, DEFAULT last. */
export function partitionRefs(actual: ActualTable): PartitionRef[] {
  return allPartitions(actual).map((p) => partitionRef(actual.keyType, p));
}

export interface TableSnapshot {
  table: string;
  keyColumn: string;
  keyType: string;
  partitions: Array<PartitionRef & { rowEstimate: number; bytes: number; storage: string }>;
}

export function snapshotOf(actual: ActualTable): TableSnapshot {
  return {
    table: `${actual.table.schema}.${actual.table.name}`,
    keyColumn: actual.keyColumn,
    keyType: actual.keyType,
    partitions: allPartitions(actual).map((p) => ({ ...partitionRef(actual.keyType, p), rowEstimate: p.rowEstimate, bytes: p.bytes, storage: p.storage })),
  };
}

/** One line of a stale-plan message: names escaped, so none can start a line of its own. */
function refLine(r: PartitionRef): string {
  const range = r.isDefault ? 'DEFAULT' : `[${r.from}, ${r.to})`;
  return printable(`${r.schema}.${r.name} ${range} tablespace ${r.tablespace ?? 'default'}`);
}

/** "+ added …", "- removed …" lines between the plan's view of a table and what is there now. */
export function describeLayoutChange(planned: TablePlan, actual: ActualTable): string {
  if (!planned.partitionsBefore) return '  (its partitions, bounds or tablespaces differ)';
  const was = new Set(planned.partitionsBefore.map(refLine));
  const now = new Set(partitionRefs(actual).map(refLine));
  const lines: string[] = [];
  for (const l of was) if (!now.has(l)) lines.push(`  - ${l}`);
  for (const l of now) if (!was.has(l)) lines.push(`  + ${l}`);
  if (planned.keyColumn !== actual.keyColumn || planned.keyType !== actual.keyType) {
    lines.push(printable(`  partition key was ${planned.keyColumn} ${planned.keyType}, is ${actual.keyColumn} ${actual.keyType}`));
  }
  return lines.length ? lines.join('\n') : '  (storage of a partition changed)';
}
