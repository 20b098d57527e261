// The exit-code contract of unattended runs (`plan --detailed-exitcode`, `apply --detailed-exitcode`),
// in one place: the commands map their outcome here, and the exported scheduler files
// (src/export) write the same numbers. docs/scheduling.md explains each.
// Types only: src/export reads these numbers and must not load the executor and its driver.
import type { ApplyError, ApplyResult } from '../apply/executor.js';

export const EXIT = {
  /** plan: no changes; apply: the plan was empty. */
  nothingToDo: 0,
  /** A step failed (rolled back), or any other error: a retry will not help, a person must look. */
  failed: 1,
  /** plan: changes pending (drift); apply: every step applied. */
  changes: 2,
  /** apply: stopped by its budget (--max-steps, --max-duration) or max_steps_per_table; the next run goes on. */
  partlyApplied: 3,
  /** apply: refused before any step (destructive steps without --allow-destroy, a stale plan, schema gppart too old). */
  refused: 4,
  /** apply: a lock could not be had (another apply holds the table, or a step's lock.timeout): a retry is safe. */
  busy: 5,
} as const;

export type Outcome = 'nothing-to-do' | 'applied' | 'partly-applied' | 'refused' | 'busy' | 'failed';

const CODE: Record<Outcome, number> = {
  'nothing-to-do': EXIT.nothingToDo,
  applied: EXIT.changes,
  'partly-applied': EXIT.partlyApplied,
  refused: EXIT.refused,
  busy: EXIT.busy,
  failed: EXIT.failed,
};

/**
 * The process exit code of an outcome. Without --detailed-exitcode only success (0: nothing to
 * do, applied, or stopped by a budget, which is not a failure) and failure (1) are told apart.
 */
export function exitCode(outcome: Outcome, detailed: boolean): number {
  if (detailed) return CODE[outcome];
  return outcome === 'nothing-to-do' || outcome === 'applied' || outcome === 'partly-applied' ? 0 : 1;
}

/** SQLSTATEs of a step that found a lock busy or lost a deadlock: it changed nothing, a retry is safe. */
export const BUSY_SQLSTATES = new Set(['55P03', '40P01']);

/**
 * What an apply that ran its steps achieved. Worst first: an interrupted apply; a failed step a retry will not fix; a
 * step that only found its lock busy; steps left by a budget or max_steps_per_table (the re-plan
 * is not empty); else applied.
 */
export function applyOutcome(result: Pick<ApplyResult, 'outcomes' | 'stoppedBy'> & Partial<Pick<ApplyResult, 'status'>>, converged: boolean): Outcome {
  // Stopped by SIGINT/SIGTERM: not what was asked for, whatever got done (exit 1, as Terraform).
  if (result.status === 'interrupted') return 'failed';
  const failed = result.outcomes.filter((o) => o.status === 'failed');
  if (failed.some((o) => !o.sqlstate || !BUSY_SQLSTATES.has(o.sqlstate))) return 'failed';
  if (failed.length) return 'busy';
  if (result.stoppedBy || !converged) return 'partly-applied';
  return 'applied';
}

/** What an apply that ended in an error means: refused or busy when apply said so, else failed. */
export function errorOutcome(err: unknown): Outcome {
  return err instanceof Error && err.name === 'ApplyError' ? (err as ApplyError).reason : 'failed';
}
