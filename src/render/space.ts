// Disk space a plan needs, per tablespace. A step writes its new partitions (or the moved copy)
// while its sources still exist and frees the sources only at its commit, so before each step its
// target tablespace needs room for everything that step writes; the largest step sets the headroom.
// Rows a split, merge or purge takes out of a DEFAULT are deleted there, not freed: that space stays
// until VACUUM, so it is never counted as freed; nor is a detached partition's, which stays as a table.
import type { LayoutEntry, Plan, Step, TablePlan } from '../plan/model.js';
import { tablespaceText } from './layout-diff.js';

export interface TablespaceSpace {
  tablespace: string;
  /** Bytes the largest single step writes here: free space needed before it runs. */
  largestStep: number;
  /** Bytes all steps write here. */
  written: number;
  /** Bytes freed here at the steps' commits (dropped partitions, replaced sources, moved-away copies). */
  freed: number;
  /** Some step's share is unknown (rows split out of a DEFAULT without statistics): its whole estimate is counted, an upper bound. */
  upperBound: boolean;
}

interface Flow {
  tablespace: string;
  bytes: number;
  upperBound: boolean;
}

function entryByName(entries: readonly LayoutEntry[], name: string, schema: string, table: TablePlan): LayoutEntry | undefined {
  const display = schema === table.schema ? name : `${schema}.${name}`;
  return entries.find((e) => e.name === display);
}

/** Bytes a step writes, per tablespace. */
function writes(step: Step, t: TablePlan): Flow[] {
  if (step.kind === 'move') return [{ tablespace: tablespaceText(step.produces[0]?.tablespace), bytes: step.estimatedBytes, upperBound: false }];
  if (step.kind !== 'split' && step.kind !== 'merge') return [];
  const by = new Map<string, Flow>();
  for (const p of step.produces.filter((x) => !x.isDefault)) {
    const ts = tablespaceText(p.tablespace);
    const flow = by.get(ts) ?? { tablespace: ts, bytes: 0, upperBound: false };
    const e = entryByName(t.layoutAfter, p.name, p.schema, t);
    if (e && e.bytes !== null) flow.bytes += e.bytes;
    else flow.upperBound = true;
    by.set(ts, flow);
  }
  // Unknown shares: all the step writes may land in this tablespace, and never more.
  return [...by.values()].map((f) => (f.upperBound ? { ...f, bytes: step.estimatedBytes } : f));
}

/** Bytes a step frees at its commit, per tablespace. */
function frees(step: Step, t: TablePlan): Flow[] {
  // A split's and a purge's DELETE leaves dead space in the DEFAULT; a detached partition stays, as a table.
  if (step.kind === 'split' || step.kind === 'purge' || step.kind === 'detach') return [];
  return step.reads
    .filter((r) => !r.isDefault)
    .map((r) => {
      const e = entryByName(t.layoutBefore, r.name, r.schema, t);
      return { tablespace: tablespaceText(r.tablespace), bytes: step.kind === 'move' || step.kind === 'drop' ? step.estimatedBytes : (e?.bytes ?? 0), upperBound: false };
    });
}

export function spaceByTablespace(plan: Plan): TablespaceSpace[] {
  const by = new Map<string, TablespaceSpace>();
  const get = (ts: string) => {
    let s = by.get(ts);
    if (!s) by.set(ts, (s = { tablespace: ts, largestStep: 0, written: 0, freed: 0, upperBound: false }));
    return s;
  };
  for (const t of plan.tables) {
    for (const step of t.steps) {
      const perStep = new Map<string, number>();
      for (const w of writes(step, t)) {
        const s = get(w.tablespace);
        s.written += w.bytes;
        s.upperBound ||= w.upperBound;
        perStep.set(w.tablespace, (perStep.get(w.tablespace) ?? 0) + w.bytes);
      }
      for (const [ts, bytes] of perStep) get(ts).largestStep = Math.max(get(ts).largestStep, bytes);
      for (const f of frees(step, t)) get(f.tablespace).freed += f.bytes;
    }
  }
  return [...by.values()].sort((a, b) => a.tablespace.localeCompare(b.tablespace));
}
