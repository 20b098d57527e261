// Who waits while a step runs, and for roughly how long, in plain words. The words follow what
// the stored functions lock (docs/procedures.md, docs/greenplum6.md); the duration comes from the
// journal's past throughput on this database (rows per second of done steps of the same kind),
// read by the command and passed in as data, when there is any.
import type { Dialect, Step, TablePlan, Throughput } from '../plan/model.js';
import { term } from './escape.js';
import { formatCount, formatDuration } from './numbers.js';

export type { Throughput } from '../plan/model.js';

export interface StepImpact {
  /** Who waits, and for which part of the step. */
  waits: string;
  /** "about 2 min (37,959 rows at ~310 rows/s, from 4 past drop steps)", or null without history. */
  estimate: string | null;
  seconds: number | null;
}

/** Greenplum 6 moves a partition below this size with one ALTER … SET TABLESPACE (docs/greenplum6.md). */
const GP6_COPY_MOVE_BYTES = 1024 ** 3;

function createsDefaultOnly(step: Step): boolean {
  return step.reads.length === 0 && step.produces.length > 0 && step.produces.every((p) => p.isDefault);
}

function waits(step: Step, table: TablePlan, dialect: Dialect): string {
  if (table.lock.mode === 'exclusive') return 'everyone waits for the whole step: readers and writers of the whole table (lock.mode exclusive)';
  const part = step.reads[0] ? term(step.reads[0].name) : 'the partition';
  if (step.kind === 'split' && createsDefaultOnly(step)) return 'everyone waits a moment while the DEFAULT partition is created (nothing is scanned)';
  if (step.kind === 'split' && !step.reads.some((r) => r.isDefault)) return 'everyone waits a moment while each new, empty partition is attached';
  if (dialect === 'greenplum6') {
    switch (step.kind) {
      case 'split':
      case 'merge':
        return 'writers to the whole table wait for the whole step; readers wait too from its first ALTER to the end, which is nearly all of it (the rows are copied after it)';
      case 'move':
        return step.estimatedBytes < GP6_COPY_MOVE_BYTES
          ? `readers and writers of the whole table wait for the whole step (${part} is rewritten by one ALTER … SET TABLESPACE)`
          : `writers to the whole table wait for the whole step; readers go on while ${part} is copied and wait only for the swap at the end`;
      case 'drop':
        return `writers to the whole table wait while ${part}'s rows are counted; then everyone waits a moment for the drop`;
      case 'unload':
        return `writers to the whole table wait while ${part} is written to S3; then everyone waits a moment for the swap`;
      case 'purge':
        return `writers to the DEFAULT partition ${part} wait while its expired rows are deleted; readers, and writers to every other partition, go on`;
      case 'detach':
        return `everyone waits a moment: ${part} is swapped out of the table by catalog changes only`;
    }
  }
  switch (step.kind) {
    case 'split':
    case 'merge':
      return 'writers to the whole table wait for the whole step; readers go on while rows are copied and wait only for the swap at the end';
    case 'move':
      return `queries that read or write ${part} wait for the whole copy; the rest of the table goes on`;
    case 'drop':
      return `writers to the whole table wait while ${part}'s rows are counted; then everyone waits a moment for the drop`;
    case 'unload':
      return `writers to the whole table wait while ${part} is written to S3; then everyone waits a moment while it is removed`;
    case 'purge':
      return `writers to the DEFAULT partition ${part} wait while its expired rows are deleted; readers, and writers to every other partition, go on`;
    case 'detach':
      return `writers to the whole table wait while ${part}'s rows are counted; then everyone waits a moment for the detach`;
  }
}

export function stepImpact(step: Step, table: TablePlan, dialect: Dialect, throughput?: Throughput): StepImpact {
  const w = waits(step, table, dialect);
  if (step.estimatedRows <= 0) return { waits: w, estimate: null, seconds: null };
  const t = throughput?.[step.kind];
  if (!t || !(t.rowsPerSecond > 0)) return { waits: w, estimate: null, seconds: null };
  const seconds = step.estimatedRows / t.rowsPerSecond;
  return {
    waits: w,
    seconds,
    estimate: `about ${formatDuration(seconds)} (~${formatCount(step.estimatedRows)} rows at ~${formatCount(t.rowsPerSecond)} rows/s, the rate of ${t.steps} past ${step.kind} step(s) on this database)`,
  };
}

/** One line for a step: "lock: <who waits>; <for how long>". */
export function impactLine(i: StepImpact): string {
  return `lock: ${i.waits}${i.estimate ? `; ${i.estimate}` : ''}`;
}
