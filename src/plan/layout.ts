// The before/after partition lists of a plan's diff view, as data: the renderers lay them out.
import { rangeLiterals } from './keys.js';
import type { ActualTable, LayoutEntry } from './model.js';

/** The table's partitions by start, DEFAULT last; `created` holds "schema.name" of partitions the plan makes. */
export function layoutEntries(t: ActualTable, created: ReadonlySet<string>): LayoutEntry[] {
  const parts = [...t.partitions, ...(t.defaultPartition ? [t.defaultPartition] : [])];
  return parts.map((p) => {
    const e: LayoutEntry = {
      name: p.table.schema === t.table.schema ? p.table.name : `${p.table.schema}.${p.table.name}`,
      isDefault: p.isDefault,
      tablespace: p.tablespace,
      storage: p.storage,
      // Never -0 or a rounding error below zero: a plan must read back from JSON unchanged.
      rows: p.rowsUnknown ? null : Math.max(0, Math.round(p.rowEstimate)),
      bytes: p.rowsUnknown ? null : Math.max(0, Math.round(p.bytes)),
    };
    if (!p.isDefault && p.range) {
      const printed = rangeLiterals(t.keyType, p.range);
      e.from = printed.from;
      e.to = printed.to;
    }
    if (created.has(`${p.table.schema}.${p.table.name}`)) e.isNew = true;
    return e;
  });
}
