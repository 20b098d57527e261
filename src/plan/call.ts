// The stored-function call of a step, derived from what the step says it does: its kind, its
// table, the partitions it reads and the ones it produces. One function per kind, and the one
// source of every call: the planner's passes build their steps' calls with it, and a plan file's
// calls are checked against it, so a plan file is data, not code, and a call that does not follow
// from its step is refused.
import type { PartitionRef, ProcedureCall, QualifiedName, Step, StepKind } from './model.js';
import { archiveFolderTail, MANIFEST_NAME } from './archive-layout.js';
import { unloadCall } from './unload-step.js';

/** A step whose parts do not fit its kind (a plan file edited by hand, or a planner bug). */
export class StepShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepShapeError';
  }
}

export type StepShape = Pick<Step, 'kind' | 'reads' | 'produces'> & Partial<Pick<Step, 'archive'>>;

/**
 * The call for `step` on `table`. `extra` is the one argument a step's partitions do not carry:
 * for a split or merge the WITH (…) options it writes its new partitions with (the policy's, or
 * null for the parent's); for a purge the bound before which the DEFAULT's rows are deleted.
 * Throws StepShapeError when the step's parts do not fit its kind.
 */
export function callFor(step: StepShape, table: QualifiedName, extra: string | null = null): ProcedureCall {
  const derive = DERIVE[step.kind];
  if (!derive) throw new StepShapeError(`unknown step kind ${JSON.stringify(step.kind)}`);
  return derive(step, table, extra);
}

/** Which argument of a step's call is the `extra` of callFor (split, merge, purge), or null. */
export function storageArgIndex(step: StepShape): number | null {
  if (step.kind === 'merge') return 8;
  if (step.kind === 'split' && !isCreateDefault(step)) return 6;
  if (step.kind === 'purge') return 4;
  return null;
}

const DERIVE: Record<StepKind, (s: StepShape, t: QualifiedName, storage: string | null) => ProcedureCall> = {
  drop(s, t) {
    const r = one(s.reads, 'drop reads');
    if (s.produces.length) throw new StepShapeError(`a drop produces no partition, this one ${s.produces.length}`);
    const [from, to] = bounds(r, 'drop reads');
    return { name: 'gppart.drop_partition', args: [t.schema, t.name, r.schema, r.name, from, to] };
  },
  move(s, t) {
    const r = one(s.reads, 'move reads');
    const p = one(s.produces, 'move produces');
    const [from, to] = bounds(r, 'move reads');
    if (p.schema !== r.schema || p.name !== r.name || p.isDefault || p.from !== from || p.to !== to) {
      throw new StepShapeError(`a move produces the partition it reads, in another tablespace; this one produces ${p.schema}.${p.name}`);
    }
    if (typeof p.tablespace !== 'string') throw new StepShapeError('a move produces a partition in a named tablespace');
    return { name: 'gppart.move_partition', args: [t.schema, t.name, r.schema, r.name, from, to, p.tablespace] };
  },
  split(s, t, storage) {
    if (isCreateDefault(s)) {
      const d = s.produces[0]!;
      inSchema(d, t, 'split produces');
      return { name: 'gppart.create_default', args: [t.schema, t.name, d.partitionName ?? d.name, d.tablespace ?? null] };
    }
    if (s.reads.length > 1 || (s.reads.length === 1 && !s.reads[0]!.isDefault)) {
      throw new StepShapeError('a split reads the DEFAULT partition or nothing');
    }
    const made = newPartitions(s.produces, t, 'split produces');
    return { name: 'gppart.split_default', args: [t.schema, t.name, ...made, storage] };
  },
  merge(s, t, storage) {
    if (!s.reads.length) throw new StepShapeError('a merge reads at least one partition');
    const made = newPartitions(s.produces, t, 'merge produces');
    return {
      name: 'gppart.merge_partitions',
      args: [t.schema, t.name, s.reads.map((r) => r.schema), s.reads.map((r) => r.name), ...made, storage],
    };
  },
  unload(s, t) {
    const r = one(s.reads, 'unload reads');
    const [from, to] = bounds(r, 'unload reads');
    const a = s.archive;
    if (!a) throw new StepShapeError('an unload names the objects it writes (archive)');
    if (a.via === 'client' ? s.produces.length !== 0 : s.produces.length !== 1 || s.produces[0]!.name !== r.name || s.produces[0]!.schema !== r.schema) {
      throw new StepShapeError(a.via === 'client' ? 'an unload on the client path produces no partition' : 'an unload through PXF produces the partition it reads, as an external one');
    }
    if ((a.via === 'client') !== (a.then === 'drop')) throw new StepShapeError(`an unload via ${a.via} does not ${a.then === 'drop' ? 'drop' : 'leave an external partition'}`);
    // The folder follows from table and range: a file cannot send one table's rows to another's keys.
    const tail = archiveFolderTail(t.schema, t.name, from, to);
    const folder = a.folder;
    if ((folder !== tail && !folder.endsWith(`/${tail}`)) || !a.objects.every((o) => o.startsWith(folder)) || (a.manifest !== undefined && a.manifest !== `${folder}${MANIFEST_NAME}`)) {
      throw new StepShapeError(`an unload of ${r.name} writes under …/${tail}, not ${folder}`);
    }
    return unloadCall(t, s);
  },
  purge(s, t, before) {
    const d = one(s.reads, 'purge reads');
    if (!d.isDefault) throw new StepShapeError(`a purge reads the DEFAULT partition, not ${d.schema}.${d.name}`);
    if (s.produces.length) throw new StepShapeError(`a purge produces no partition, this one ${s.produces.length}`);
    if (before === null) throw new StepShapeError('a purge deletes the rows before a bound, and this one has none');
    return { name: 'gppart.purge_default', args: [t.schema, t.name, d.schema, d.name, before] };
  },
  detach(s, t) {
    const r = one(s.reads, 'detach reads');
    const p = one(s.produces, 'detach produces');
    const [from, to] = bounds(r, 'detach reads');
    if (p.name !== r.name || p.isDefault || p.from !== from || p.to !== to) {
      throw new StepShapeError(`a detach keeps the partition it reads as a table of the same name; this one produces ${p.schema}.${p.name}`);
    }
    return { name: 'gppart.detach_partition', args: [t.schema, t.name, r.schema, r.name, from, to, p.schema === r.schema ? null : p.schema] };
  },
};

function isCreateDefault(s: StepShape): boolean {
  return s.kind === 'split' && s.reads.length === 0 && s.produces.length === 1 && s.produces[0]!.isDefault;
}

function one(refs: PartitionRef[], what: string): PartitionRef {
  if (refs.length !== 1) throw new StepShapeError(`${what} exactly one partition, this one ${refs.length}`);
  return refs[0]!;
}

function bounds(r: PartitionRef, what: string): [string, string] {
  if (r.isDefault || typeof r.from !== 'string' || typeof r.to !== 'string') {
    throw new StepShapeError(`${what} a partition with bounds, not ${r.isDefault ? 'the DEFAULT' : `${r.schema}.${r.name} without them`}`);
  }
  return [r.from, r.to];
}

function inSchema(p: PartitionRef, t: QualifiedName, what: string): void {
  if (p.schema !== t.schema) throw new StepShapeError(`${what} ${p.schema}.${p.name}, outside the table's schema ${t.schema}`);
}

/** froms, tos, names and tablespaces of the new (bounded) partitions, in order. */
function newPartitions(produces: PartitionRef[], t: QualifiedName, what: string): [string[], string[], string[], Array<string | null>] {
  if (!produces.length) throw new StepShapeError(`${what} no partition`);
  const froms: string[] = [];
  const tos: string[] = [];
  for (const p of produces) {
    inSchema(p, t, what);
    const [from, to] = bounds(p, what);
    froms.push(from);
    tos.push(to);
  }
  return [froms, tos, produces.map((p) => p.partitionName ?? p.name), produces.map((p) => p.tablespace ?? null)];
}
