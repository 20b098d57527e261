// What the table would look like after a plan's steps, computed from the steps' procedure calls
// alone, checking each call's preconditions as docs/procedures.md states them. Used for the
// "after" layout of a plan, for `show`, and by tests to prove a plan reaches its target.
import { hasKeyStats, shareIn } from './estimates.js';
import { literalToKey } from './keys.js';
import type { ActualPartition, ActualTable, KeyRange, PartitionNaming, StorageKind, Step } from './model.js';
import { STANDARD_NAMING } from './names.js';

export class SimulationError extends Error {
  constructor(table: ActualTable, message: string) {
    super(`gppart: ${table.table.schema}.${table.table.name}: ${message}`);
    this.name = 'SimulationError';
  }
}

/**
 * Apply `steps` to a copy of `actual`. Row estimates are carried along on the assumption that rows
 * are spread evenly over each bounded partition's range; rows leave the DEFAULT as its key
 * statistics place them (as the split step estimates them), and without statistics the rows of the
 * DEFAULT and of what is split out of it are marked unknown. Totals are preserved except for what
 * drop removes.
 */
export function simulateSteps(actual: ActualTable, steps: readonly Step[], naming: PartitionNaming = STANDARD_NAMING): ActualTable {
  let state: ActualTable = cloneTable(actual);
  // The DEFAULT as introspected: its statistics describe the rows it held then, whatever was split out since.
  const stats = actual.defaultPartition;
  for (const step of steps) state = applyCall(state, step, naming, stats);
  return state;
}

/** Moves the DEFAULT's estimated rows in `ranges` (by its statistics) into `into`. */
function takeFromDefault(t: ActualTable, stats: ActualPartition | null, into: ActualPartition, ranges: readonly KeyRange[]): void {
  const d = t.defaultPartition;
  if (!d || ranges.length === 0) return;
  if (d.rowsUnknown || (d.rowEstimate > 0 && (!stats || !hasKeyStats(stats)))) {
    d.rowsUnknown = true;
    into.rowsUnknown = true;
    return;
  }
  if (d.rowEstimate <= 0 || !stats) return;
  const rows = Math.min(d.rowEstimate, stats.rowEstimate * shareIn(stats, ranges));
  const bytes = d.rowEstimate > 0 ? (d.bytes * rows) / d.rowEstimate : 0;
  into.rowEstimate += rows;
  into.bytes += bytes;
  d.rowEstimate = Math.max(0, d.rowEstimate - rows);
  d.bytes = Math.max(0, d.bytes - bytes);
}

function cloneTable(t: ActualTable): ActualTable {
  return {
    ...t,
    table: { ...t.table },
    partitions: t.partitions.map(clonePartition),
    defaultPartition: t.defaultPartition ? clonePartition(t.defaultPartition) : null,
    ...(t.takenNames ? { takenNames: [...t.takenNames] } : {}),
  };
}

function clonePartition(p: ActualPartition): ActualPartition {
  return { ...p, table: { ...p.table }, range: p.range ? { ...p.range } : undefined };
}

const str = (v: unknown, what: string, t: ActualTable): string => {
  if (typeof v !== 'string') throw new SimulationError(t, `${what} must be text`);
  return v;
};
const arr = (v: unknown, what: string, t: ActualTable): string[] => {
  if (!Array.isArray(v)) throw new SimulationError(t, `${what} must be text[]`);
  return v;
};

function applyCall(t: ActualTable, step: Step, naming: PartitionNaming, stats: ActualPartition | null): ActualTable {
  const a = step.call.args;
  const key = (s: string): number => literalToKey(t.keyType, s);
  if (str(a[0], 'p_schema', t) !== t.table.schema || str(a[1], 'p_table', t) !== t.table.name) {
    throw new SimulationError(t, `${step.call.name} is for another table (${String(a[0])}.${String(a[1])})`);
  }
  switch (step.call.name) {
    case 'gppart.drop_partition': {
      const p = findBounded(t, str(a[2], 'p_partition_schema', t), str(a[3], 'p_partition', t), key(str(a[4], 'p_start', t)), key(str(a[5], 'p_end', t)));
      t.partitions = t.partitions.filter((x) => x !== p);
      return t;
    }
    case 'gppart.detach_partition': {
      const p = findBounded(t, str(a[2], 'p_partition_schema', t), str(a[3], 'p_partition', t), key(str(a[4], 'p_start', t)), key(str(a[5], 'p_end', t)));
      t.partitions = t.partitions.filter((x) => x !== p);
      // The table stays, in its schema or in p_target_schema: its name is still taken there.
      const target = a[6] === null || a[6] === undefined ? p.table.schema : str(a[6], 'p_target_schema', t);
      if (target === t.table.schema) t.takenNames = [...(t.takenNames ?? []), p.table.name];
      return t;
    }
    case 'gppart.purge_default': {
      const d = t.defaultPartition;
      if (!d || d.table.schema !== str(a[2], 'p_default_schema', t) || d.table.name !== str(a[3], 'p_default', t)) {
        throw new SimulationError(t, `${String(a[2])}.${String(a[3])} is not the DEFAULT partition`);
      }
      key(str(a[4], 'p_before', t));
      d.rowEstimate = Math.max(0, d.rowEstimate - step.estimatedRows);
      d.bytes = Math.max(0, d.bytes - step.estimatedBytes);
      return t;
    }
    case 'gppart.unload_finish':
    case 'gppart.unload_pxf': {
      // client: the partition is dropped once archived; pxf: it becomes an external partition over the objects.
      const p = findBounded(t, str(a[2], 'p_partition_schema', t), str(a[3], 'p_partition', t), key(str(a[4], 'p_start', t)), key(str(a[5], 'p_end', t)));
      if (p.storage === 'external') throw new SimulationError(t, `${p.table.schema}.${p.table.name} is already external`);
      if (step.call.name === 'gppart.unload_pxf') Object.assign(p, { storage: 'external', tablespace: null, rowEstimate: 0, bytes: 0 });
      else t.partitions = t.partitions.filter((x) => x !== p);
      return t;
    }
    case 'gppart.move_partition': {
      const p = findBounded(t, str(a[2], 'p_partition_schema', t), str(a[3], 'p_partition', t), key(str(a[4], 'p_start', t)), key(str(a[5], 'p_end', t)));
      p.tablespace = a[6] === null ? null : str(a[6], 'p_tablespace', t);
      return t;
    }
    case 'gppart.create_default': {
      if (t.defaultPartition) throw new SimulationError(t, `already has a DEFAULT partition ${t.defaultPartition.table.name}`);
      const name = naming.relation(t.table.name, str(a[2], 'p_name', t));
      if (taken(t).has(name)) throw new SimulationError(t, `name ${name} is taken`);
      t.defaultPartition = {
        table: { schema: t.table.schema, name },
        isDefault: true,
        tablespace: a[3] === null || a[3] === undefined ? null : str(a[3], 'p_tablespace', t),
        storage: 'heap',
        rowEstimate: 0,
        bytes: 0,
      };
      return t;
    }
    case 'gppart.split_default': {
      const created = newPartitions(t, a[2], a[3], a[4], a[5], a[6], key, naming);
      for (const c of created) {
        const clash = t.partitions.find((p) => overlaps(p.range!, c.range!));
        if (clash) throw new SimulationError(t, `new partition ${c.table.name} overlaps ${clash.table.name}`);
      }
      for (const c of created) takeFromDefault(t, stats, c, [c.range!]);
      t.partitions = sortPartitions([...t.partitions, ...created]);
      return t;
    }
    case 'gppart.merge_partitions': {
      const schemas = arr(a[2], 'p_source_schemas', t);
      const names = arr(a[3], 'p_sources', t);
      if (schemas.length !== names.length || names.length === 0) throw new SimulationError(t, 'p_source_schemas and p_sources differ in length or are empty');
      const sources: ActualPartition[] = [];
      let defaultIsSource = false;
      names.forEach((n, i) => {
        const d = t.defaultPartition;
        if (d && d.table.schema === schemas[i] && d.table.name === n) {
          defaultIsSource = true;
          return;
        }
        const p = t.partitions.find((x) => x.table.schema === schemas[i] && x.table.name === n);
        if (!p) throw new SimulationError(t, `${schemas[i]}.${n} is not a partition of the table`);
        sources.push(p);
      });
      const rest = t.partitions.filter((p) => !sources.includes(p));
      const sourceNames = new Set(sources.map((s) => `${s.table.schema}.${s.table.name}`));
      const created = newPartitions(t, a[4], a[5], a[6], a[7], a[8], key, naming, sourceNames);
      const sourceUnion = unionRanges(sources.map((s) => s.range!));
      for (const c of created) {
        const clash = rest.find((p) => overlaps(p.range!, c.range!));
        if (clash) throw new SimulationError(t, `new partition ${c.table.name} overlaps ${clash.table.name}, which is not a source`);
        if (!defaultIsSource && subtractRanges([c.range!], sourceUnion).length) {
          throw new SimulationError(t, `new partition ${c.table.name} reaches outside its sources and the DEFAULT is not a source`);
        }
      }
      const leftover = subtractRanges(sourceUnion, unionRanges(created.map((c) => c.range!)));
      if (leftover.length && !t.defaultPartition) {
        throw new SimulationError(t, 'rows of the sources outside the new ranges need a DEFAULT partition, and there is none');
      }
      for (const s of sources) {
        const r = s.range!;
        const len = r.to - r.from;
        let placed = 0;
        for (const c of created) {
          const share = Number.isFinite(len) ? overlapLength(r, c.range!) / len : 0;
          c.rowEstimate += s.rowEstimate * share;
          c.bytes += s.bytes * share;
          placed += share;
        }
        if (t.defaultPartition) {
          t.defaultPartition.rowEstimate += s.rowEstimate * (1 - placed);
          t.defaultPartition.bytes += s.bytes * (1 - placed);
        }
      }
      // What the sources do not cover comes out of the DEFAULT (a realign that reads it).
      if (defaultIsSource) for (const c of created) takeFromDefault(t, stats, c, subtractRanges([c.range!], sourceUnion));
      t.partitions = sortPartitions([...rest, ...created]);
      return t;
    }
    default:
      throw new SimulationError(t, `unknown procedure ${step.call.name}`);
  }
}

function findBounded(t: ActualTable, schema: string, name: string, from: number, to: number): ActualPartition {
  if (t.defaultPartition && t.defaultPartition.table.schema === schema && t.defaultPartition.table.name === name) {
    throw new SimulationError(t, `${schema}.${name} is the DEFAULT partition`);
  }
  const p = t.partitions.find((x) => x.table.schema === schema && x.table.name === name);
  if (!p) throw new SimulationError(t, `${schema}.${name} is not a partition of the table`);
  if (!p.range || p.range.from !== from || p.range.to !== to) throw new SimulationError(t, `${schema}.${name} does not have the bounds the step expects`);
  return p;
}

function newPartitions(
  t: ActualTable,
  startsArg: unknown,
  endsArg: unknown,
  namesArg: unknown,
  tablespacesArg: unknown,
  storageArg: unknown,
  key: (s: string) => number,
  naming: PartitionNaming,
  reusableNames: ReadonlySet<string> = new Set(),
): ActualPartition[] {
  const starts = arr(startsArg, 'p_starts', t);
  const ends = arr(endsArg, 'p_ends', t);
  const names = arr(namesArg, 'p_names', t);
  const tablespaces = tablespacesArg === null ? starts.map(() => null) : arr(tablespacesArg, 'p_tablespaces', t);
  if (starts.length === 0 || ends.length !== starts.length || names.length !== starts.length || tablespaces.length !== starts.length) {
    throw new SimulationError(t, 'the arrays must have equal length ≥ 1');
  }
  const storage = storageKind(storageArg === null ? null : str(storageArg, 'p_storage', t));
  const used = taken(t);
  for (const n of reusableNames) if (n.startsWith(`${t.table.schema}.`)) used.delete(n.slice(t.table.schema.length + 1));
  const out: ActualPartition[] = [];
  starts.forEach((s, i) => {
    const range = { from: key(s), to: key(ends[i]!) };
    const name = naming.relation(t.table.name, names[i]!);
    if (!(range.from < range.to)) throw new SimulationError(t, `range ${s} .. ${ends[i]} is empty`);
    if (used.has(name)) throw new SimulationError(t, `name ${name} is taken`);
    used.add(name);
    for (const o of out) if (overlaps(o.range!, range)) throw new SimulationError(t, `new ranges ${o.table.name} and ${name} overlap`);
    out.push({ table: { schema: t.table.schema, name }, isDefault: false, range, tablespace: tablespaces[i] ?? null, storage, rowEstimate: 0, bytes: 0 });
  });
  return out;
}

/** Relation names in the table's schema: its partitions and the other relations it knows of. */
function taken(t: ActualTable): Set<string> {
  return new Set([
    ...[...t.partitions, ...(t.defaultPartition ? [t.defaultPartition] : [])].filter((p) => p.table.schema === t.table.schema).map((p) => p.table.name),
    ...(t.takenNames ?? []),
  ]);
}

/** The storage a `WITH (...)` clause gives a new partition (heap when it says nothing). */
export function storageKind(withClause: string | null): StorageKind {
  const opts = new Map(
    (withClause ?? '')
      .split(',')
      .map((kv) => kv.split('=').map((x) => x.trim().toLowerCase()))
      .filter((kv) => kv.length === 2)
      .map(([k, v]) => [k!, v!]),
  );
  const ao = opts.get('appendonly') ?? opts.get('appendoptimized');
  if (ao !== 'true') return 'heap';
  return opts.get('orientation') === 'column' ? 'ao_column' : 'ao_row';
}

function sortPartitions(ps: ActualPartition[]): ActualPartition[] {
  return ps.sort((x, y) => x.range!.from - y.range!.from);
}

// ------------------------------------------------------------------ range algebra

export function overlaps(a: KeyRange, b: KeyRange): boolean {
  return a.from < b.to && b.from < a.to;
}

export function overlapLength(a: KeyRange, b: KeyRange): number {
  return Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));
}

/** Sorted, disjoint, with touching ranges joined. */
export function unionRanges(ranges: readonly KeyRange[]): KeyRange[] {
  const sorted = [...ranges].filter((r) => r.from < r.to).sort((a, b) => a.from - b.from);
  const out: KeyRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

/** The parts of `a` that no range of `b` covers. */
export function subtractRanges(a: readonly KeyRange[], b: readonly KeyRange[]): KeyRange[] {
  const cut = unionRanges(b);
  const out: KeyRange[] = [];
  for (const r of unionRanges(a)) {
    let from = r.from;
    for (const c of cut) {
      if (c.to <= from || c.from >= r.to) continue;
      if (c.from > from) out.push({ from, to: c.from });
      from = Math.max(from, c.to);
      if (from >= r.to) break;
    }
    if (from < r.to) out.push({ from, to: r.to });
  }
  return out;
}
