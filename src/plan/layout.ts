// The before/after partition lists of a plan's diff view.
import { rangeToText } from './keys.js';
import type { ActualTable } from './model.js';

/** `orders_p2024_01  [2024-01-01, 2024-02-01)  tablespace pg_default  ~1200 rows`, DEFAULT last. */
export function layoutLines(t: ActualTable, created: ReadonlySet<string>): string[] {
  const parts = [...t.partitions, ...(t.defaultPartition ? [t.defaultPartition] : [])];
  const names = parts.map((p) => (p.table.schema === t.table.schema ? p.table.name : `${p.table.schema}.${p.table.name}`));
  const ranges = parts.map((p) => (p.isDefault || !p.range ? 'DEFAULT' : rangeToText(t.keyType, p.range)));
  const spaces = parts.map((p) => `tablespace ${p.tablespace ?? 'pg_default'}`);
  const nw = Math.max(0, ...names.map((n) => n.length));
  const rw = Math.max(0, ...ranges.map((r) => r.length));
  const sw = Math.max(0, ...spaces.map((r) => r.length));
  return parts.map((p, i) => {
    const isNew = created.has(`${p.table.schema}.${p.table.name}`);
    // A partition split out of the DEFAULT has rows nobody can estimate before the split.
    const rows = isNew && p.rowEstimate === 0 ? 'new' : `~${Math.round(p.rowEstimate)} rows${isNew ? ' (new)' : ''}`;
    return `${names[i]!.padEnd(nw)}  ${ranges[i]!.padEnd(rw)}  ${spaces[i]!.padEnd(sw)}  ${rows}`;
  });
}
